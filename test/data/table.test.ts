import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { classesOf, labelCounts, readLabelled } from '../../src/data/labels.ts';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { checkLineEndings, decodeUtf8, formatOf, readTable, tsvRecords } from '../../src/data/table.ts';
import { InputError } from '../../src/errors.ts';
import { readFixture, tempDir, TEST_TSV, TRAIN_TSV } from '../helpers.ts';

interface Split {
  rows: number;
  label_counts: Record<string, number>;
}

function file(name: string, content: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}
const tsv = (content: string | Buffer) => file('f.tsv', content);

describe('reading the Kaggle TSV', () => {
  it('reads all of data/train.tsv with its label counts', async () => {
    const split = readFixture<Split>('golden/split.json');
    const t = await readTable(TRAIN_TSV, { labelled: true });
    assert.equal(t.rows.length, split.rows);
    assert.deepEqual(t.used, { text: 'Phrase', label: 'Sentiment', group: 'SentenceId', id: 'PhraseId' });
    const c = classesOf(t);
    assert.deepEqual(c.names, ['negative', 'somewhat negative', 'neutral', 'somewhat positive', 'positive']);
    assert.deepEqual(labelCounts(c.index, 5), Object.values(split.label_counts));
    assert.equal(t.sha256, 'b59d3b8ab798d0d4f2469932e32ebfa89c9efd0dd2989aa34437c93004974bee');
  });

  it("Kaggle's classes in another order keep their names; another column's numbers stay numbers", async () => {
    const kaggle = await readTable(
      tsv('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\ta\t0\n2\t1\tb\t4\n3\t2\tc\t2\n'),
      { labelled: true },
    );
    assert.deepEqual(classesOf(kaggle, ['4', '2', '0']).names, ['positive', 'neutral', 'negative']);
    const other = await readTable(file('n.csv', 'text,label\na,0\nb,4\nc,2\n'), { labelled: true });
    assert.deepEqual(classesOf(other, ['4', '2', '0']).names, ['4', '2', '0']);
  });

  it('keeps the single-space phrases (train 2006, test 157451), and ids as text', async () => {
    const train = await readTable(TRAIN_TSV, { labelled: true });
    assert.equal(train.rows.find((r) => r.id === '2006')?.text, ' ');
    const test = await readTable(TEST_TSV, { labelled: false, ids: true });
    assert.equal(test.rows.length, 66292);
    assert.equal(test.rows.find((r) => r.id === '157451')?.text, ' ');
    assert.ok(test.rows.every((r) => r.label === null));
  });

  it("TSV: each line's fields and line number exactly as csv-parse reads them with quoting off; a lone CR is left to it", () => {
    const char = fc.constantFrom('a', 'b', ' ', '\t', '\n', '\r', '"', 'é');
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 40 }), (chars) => {
        const text = chars.join('');
        const parsed = parse(text, {
          delimiter: '\t',
          quote: false,
          relax_column_count: true,
          skip_empty_lines: false,
          info: true,
        }) as unknown as { record: string[]; info: { lines: number } }[];
        let previousEnd = 0;
        const want = parsed.map((p) => {
          const line = previousEnd + 1;
          previousEnd = p.info.lines;
          return { fields: p.record, line };
        });
        const got = tsvRecords(text);
        if (got !== null) assert.deepEqual(got, want, JSON.stringify(text));
        else {
          // Only a lone CR, or LF and CRLF both, are left to csv-parse.
          const loneCr = /\r(?!\n)/.test(text);
          const mixed = text.includes('\r\n') && /(^|[^\r])\n/.test(text);
          assert.ok(loneCr || mixed, `left to csv-parse: ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 2000 },
    );
    // Files as they come: one kind of line ending, maybe one at the end; never left to csv-parse.
    const field = fc.array(fc.constantFrom('a', ' ', '"', 'é'), { maxLength: 4 }).map((c) => c.join(''));
    const line = fc.array(field, { minLength: 1, maxLength: 3 }).map((f) => f.join('\t'));
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (ls, eol, end) => {
          const text = ls.join(eol) + (end ? eol : '');
          const parsed = parse(text, {
            delimiter: '\t',
            quote: false,
            relax_column_count: true,
            skip_empty_lines: false,
          });
          assert.deepEqual(
            tsvRecords(text),
            (parsed as string[][]).map((fields, i) => ({ fields, line: i + 1 })),
            JSON.stringify(text),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps a " inside a phrase as text (quoting is off)', async () => {
    const t = await readTable(
      tsv('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tsay "hi\t3\n2\t1\t"quoted" words\t2\n'),
      { labelled: true },
    );
    assert.deepEqual(
      t.rows.map((r) => [r.text, r.label, r.line]),
      [
        ['say "hi', '3', 2],
        ['"quoted" words', '2', 3],
      ],
    );
  });

  it('accepts CRLF line endings, a UTF-8 BOM and blank lines at the end', async () => {
    const t = await readTable(
      tsv('\uFEFFPhraseId\tSentenceId\tPhrase\tSentiment\r\n1\t1\tgood\t4\r\n2\t1\tbad\t0\r\n\r\n\r\n'),
      { labelled: true },
    );
    assert.deepEqual(
      t.rows.map((r) => [r.id, r.text, r.label]),
      [
        ['1', 'good', '4'],
        ['2', 'bad', '0'],
      ],
    );
  });

  const bad: [string, string | Buffer, RegExp][] = [
    ['an empty file', '', /empty/],
    [
      'a column named twice',
      'PhraseId\tSentenceId\tPhrase\tSentiment\tPhrase\n1\t1\tx\t2\ty\n',
      /:1: the header names column "Phrase" 2 times \(columns 3, 5\)/,
    ],
    ['a header only', 'PhraseId\tSentenceId\tPhrase\tSentiment\n', /no rows/],
    ['no Sentiment column', 'PhraseId\tSentenceId\tPhrase\n1\t1\tx\n', /:1: missing column Sentiment/],
    ['a comma-separated file', 'PhraseId,SentenceId,Phrase,Sentiment\n1,1,x,2\n', /comma-separated/],
    [
      'too few fields',
      'PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\n',
      /:2: expected 4 tab-separated fields, found 3/,
    ],
    [
      'a blank line between rows',
      'PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\t2\n\n2\t1\ty\t2\n',
      /:3: a blank line among the rows/,
    ],
    [
      'a CRLF header over LF rows',
      'PhraseId\tSentenceId\tPhrase\tSentiment\r\n1\t1\tx\t2\n2\t1\ty\t2\n',
      /:2: mixed line endings: line 1 ends with CRLF \(Windows\), this line with LF/,
    ],
    [
      'invalid UTF-8',
      Buffer.concat([
        Buffer.from('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tok\t2\n2\t1\t'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('\t2\n'),
      ]),
      /:3: invalid UTF-8/,
    ],
  ];
  for (const [name, content, message] of bad) {
    it(`rejects ${name} with file and line`, async () => {
      const p = tsv(content);
      await assert.rejects(
        readTable(p, { labelled: true }),
        (err: unknown) => err instanceof InputError && message.test(err.message) && err.message.startsWith(p),
      );
    });
  }

  it('a Kaggle label outside 0–4 names its line', async () => {
    const t = await readTable(tsv('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\t2\n2\t1\ty\t7\n'), {
      labelled: true,
    });
    assert.throws(() => classesOf(t), /:3: Sentiment must be an integer from 0 to 4/);
  });

  it('names a missing file and a directory', async () => {
    await assert.rejects(readTable('/nonexistent/x.tsv', { labelled: true }), /x\.tsv: no such file/);
    await assert.rejects(readTable(tempDir(), { labelled: true }), /is a directory/);
  });
});

describe('reading your own data', () => {
  it('CSV: quoted commas, quotes and line breaks inside fields, a BOM; the line a row starts on', async () => {
    const t = await readTable(
      file('r.csv', '\uFEFFreview,label\n"good, really",pos\n"she said ""meh""\non two lines",neg\nplain,pos\n'),
      { labelled: true },
    );
    assert.deepEqual(
      t.rows.map((r) => [r.text, r.label, r.line]),
      [
        ['good, really', 'pos', 2],
        ['she said "meh"\non two lines', 'neg', 3],
        ['plain', 'pos', 5],
      ],
    );
    assert.deepEqual(t.used, { text: 'review', label: 'label', group: null, id: null });
  });

  it('CSV: an unclosed quote names the line where it opened', async () => {
    await assert.rejects(
      readTable(file('q.csv', 'text,label\nok,pos\n"never closed,neg\nmore,pos\n'), { labelled: true }),
      /q\.csv:3: a quote opened here is never closed/,
    );
  });

  it('JSON Lines: string and number labels, fields by name; a line that is not an object names its line', async () => {
    const t = await readTable(
      file('t.jsonl', '{"text": "great", "label": "pos"}\n{"label": "neg", "text": "awful", "extra": 1}\n'),
      { labelled: true },
    );
    assert.deepEqual(
      t.rows.map((r) => [r.text, r.label]),
      [
        ['great', 'pos'],
        ['awful', 'neg'],
      ],
    );
    await assert.rejects(
      readTable(file('a.jsonl', '{"text": "ok", "label": 1}\n[1, 2]\n'), { labelled: true }),
      /a\.jsonl:2: expected a JSON object per line, found an array/,
    );
    await assert.rejects(
      readTable(file('m.jsonl', '{"text": "ok", "label": 1}\n{"label": 2}\n'), { labelled: true }),
      /m\.jsonl:2: missing text field "text"/,
    );
  });

  it('JSON Lines: numbers stay as written (ids beyond 2^53, 1.50, 1e2, -0), inside strings untouched', async () => {
    const t = await readTable(
      file(
        'ids.jsonl',
        [
          '{"id": 12345678901234567891, "text": "a 1.5 b", "label": 1.50}',
          '{"id": 12345678901234567892, "text": "c", "label": 1e2}',
          '{"id":-0,"text":"say \\"7\\" 8","label":[1, 2.50][0]}'.replace('[1, 2.50][0]', '-3'),
          '{"id": 92345678901234567891, "text": "d", "label": 0.50}',
        ].join('\n'),
      ),
      { labelled: true, ids: true },
    );
    assert.deepEqual(
      t.rows.map((r) => [r.id, r.text, r.label]),
      [
        ['12345678901234567891', 'a 1.5 b', '1.50'],
        ['12345678901234567892', 'c', '1e2'],
        ['-0', 'say "7" 8', '-3'],
        ['92345678901234567891', 'd', '0.50'],
      ],
    );
    await assert.rejects(
      readTable(file('n.jsonl', '{"text": "a", "label": [1, 2.50]}\n'), { labelled: true }),
      /n\.jsonl:1: "label" must be a string or a number, found \[1,2\.5\]/,
    );
    await assert.rejects(
      readTable(file('e.jsonl', '{"text": "a", "label": 1.}\n'), { labelled: true }),
      /e\.jsonl:1: is not valid JSON \([^)]*position 25/,
    );
  });

  it('gzip: read as is, the format from the name under .gz', async () => {
    const t = await readTable(file('r.csv.gz', gzipSync('text,stars\nfine,4\nbad,1\n')), { labelled: true });
    assert.deepEqual(
      t.rows.map((r) => [r.text, r.label]),
      [
        ['fine', '4'],
        ['bad', '1'],
      ],
    );
    assert.equal(t.format, 'csv');
  });

  it('columns by name, any case; an unknown column lists the ones there are', async () => {
    const t = await readTable(file('c.csv', 'Sentence,Rating,Id\nok,3,a1\n'), { labelled: true, ids: true });
    assert.deepEqual(t.used, { text: 'Sentence', label: 'Rating', group: null, id: 'Id' });
    await assert.rejects(
      readTable(file('u.csv', 'a,b\n1,2\n'), { labelled: true, columns: { text: 'body' } }),
      /u\.csv:1: no text column "body" \(the header has: a, b\)/,
    );
  });

  it('classes: numbers ascending, words by first appearance, or the order given; a label outside it names its line', async () => {
    const stars = await readTable(file('s.csv', 'text,stars\na,5\nb,1\nc,3\nd,1.0\n'), { labelled: true });
    assert.deepEqual(classesOf(stars).labels, ['1', '3', '5']);
    assert.deepEqual(Array.from(classesOf(stars).index), [2, 0, 1, 0]);
    const words = await readTable(file('w.csv', 'text,label\na,pos\nb,neg\nc,neutral\n'), { labelled: true });
    assert.deepEqual(classesOf(words).labels, ['pos', 'neg', 'neutral']);
    assert.deepEqual(classesOf(words, ['neg', 'neutral', 'pos']).labels, ['neg', 'neutral', 'pos']);
    assert.throws(
      () => classesOf(words, ['neg', 'pos']),
      /w\.csv:4: label "neutral" is not one of the classes \(neg, pos\)/,
    );
    const one = await readTable(file('o.csv', 'text,label\na,pos\nb,pos\n'), { labelled: true });
    assert.throws(() => classesOf(one), /every row has label pos; training needs at least two different labels/);
  });

  it('takes the format from the extension, under .gz too, and none from others', () => {
    const cases: [string, string | null][] = [
      ['a.tsv', 'tsv'],
      ['a.TAB', 'tsv'],
      ['a.txt', 'tsv'],
      ['a.csv', 'csv'],
      ['a.jsonl', 'jsonl'],
      ['a.ndjson', 'jsonl'],
      ['a.csv.gz', 'csv'],
      ['a.json', null],
      ['a.gz', null],
      ['data', null],
    ];
    for (const [path, format] of cases) assert.equal(formatOf(path), format, path);
  });

  it('gzip only by its magic bytes: a text starting with ċ is text, a lone gzip header is bad gzip', async () => {
    const t = await readTable(file('c.csv', 'ċtext,label\nfine,pos\nbad,neg\n'), {
      labelled: true,
      columns: { text: 'ċtext' },
    });
    assert.deepEqual(
      t.rows.map((r) => r.text),
      ['fine', 'bad'],
    );
    await assert.rejects(
      readTable(file('g.csv', Buffer.from([0x1f, 0x8b])), { labelled: true }),
      /g\.csv: is not valid gzip data/,
    );
  });

  it('names the first invalid UTF-8 line, an empty first line counted', () => {
    assert.throws(
      () => decodeUtf8(Buffer.concat([Buffer.from('\nok\n'), Buffer.from([0x61, 0xff])]), 'u.txt'),
      /u\.txt:3: invalid UTF-8/,
    );
    assert.throws(() => decodeUtf8(Buffer.from([0xff]), 'v.txt'), /v\.txt:1: invalid UTF-8/);
  });

  it('one kind of line ending, the first line an empty one too, naming the first line that differs', () => {
    assert.throws(() => checkLineEndings('\nabc\r\nd\n', 'e.txt'), /e\.txt:2: mixed line endings: line 1 ends with LF/);
    assert.throws(
      () => checkLineEndings('a\r\nb\r\nc\nd\r\n', 'f.txt'),
      /f\.txt:3: mixed line endings: line 1 ends with CRLF/,
    );
    assert.doesNotThrow(() => checkLineEndings('a\r\nb\r\nc', 'g.txt'));
    assert.doesNotThrow(() => checkLineEndings('a', 'h.txt'));
  });

  it('CSV: an unclosed quote after quoted fields with escaped quotes and line breaks names the line where it opened', async () => {
    const cases: [string, number][] = [
      ['text,label\n"he said ""x"", then\nleft",pos\nok,neg\n"open,neg\nmore,pos\n', 5],
      ['"quoted, header",label\nok,pos\n"open\n', 3],
      ['text,label\n"a ""b"" c",pos\nok,"x\ny\n', 3],
      ['text,label\n"a\n""\nb",pos\nok,"x\n', 5],
      // The file's first character opens it; a quote inside it that starts a line is an escaped one.
      ['"open header\nx,1\n', 1],
      ['text,label\n"open\n""b,pos\n', 2],
      ['text,label\n"a""\n""x,pos\n', 2],
    ];
    for (const [content, line] of cases) {
      await assert.rejects(
        readTable(file('q.csv', content), { labelled: true }),
        new RegExp(`q\\.csv:${line}: a quote opened here is never closed`),
        JSON.stringify(content),
      );
    }
  });

  it('JSON Lines: a blank line, bad JSON and a value that is not an object each name their line', async () => {
    const ok = '{"text": "a", "label": 1}';
    const cases: [string, RegExp][] = [
      [`${ok}\n\n${ok}\n`, /b\.jsonl:2: a blank line among the rows/],
      [`${ok}\n${ok}\n{"text": \n`, /b\.jsonl:3: is not valid JSON/],
      [`${ok}\nnull\n`, /b\.jsonl:2: expected a JSON object per line, found null/],
      [`${ok}\n"text"\n`, /b\.jsonl:2: expected a JSON object per line, found "text"/],
      [`${ok}\n{"text": 5, "label": 1}\n`, /b\.jsonl:2: the text field "text" is not a string/],
      [`${ok}\n{"text": null, "label": 1}\n`, /b\.jsonl:2: missing text field "text"/],
      [
        `${ok}\n{"text": "b", "label": {"x": 1}}\n`,
        /b\.jsonl:2: "label" must be a string or a number, found \{"x":1\}/,
      ],
    ];
    for (const [content, message] of cases)
      await assert.rejects(readTable(file('b.jsonl', content), { labelled: true }), message, content);
    const t = await readTable(file('t.jsonl', `${ok}\n{"text": "b", "label": true}\n\n`), { labelled: true });
    assert.deepEqual(
      t.rows.map((r) => r.label),
      ['1', 'true'],
    );
  });

  it('a header with a tab inside a CSV column name is still CSV; missing columns and values are named', async () => {
    const t = await readTable(file('h.csv', 'the\ttext,label\nfine,pos\n'), {
      labelled: true,
      columns: { text: 'the\ttext' },
    });
    assert.deepEqual(
      t.rows.map((r) => r.text),
      ['fine'],
    );
    await assert.rejects(
      readTable(file('n.csv', 'body,label\nfine,pos\n'), { labelled: true }),
      /n\.csv:1: missing column Phrase \(no text column among/,
    );
    await assert.rejects(
      readTable(file('i.csv', 'text,label\nfine,pos\n'), { labelled: false, ids: true }),
      /i\.csv:1: missing column PhraseId \(no id column among/,
    );
    await assert.rejects(
      readTable(file('j.csv', 'id,text\n,fine\n'), { labelled: false, ids: true }),
      /j\.csv:2: missing id value/,
    );
    await assert.rejects(
      readTable(file('l.csv', 'text,label\nfine,pos\nbad,\n'), { labelled: true }),
      /l\.csv:3: missing label value/,
    );
    const unlabelled = await readTable(file('m.csv', 'text,label\nfine,\n'), { labelled: false });
    assert.deepEqual(
      unlabelled.rows.map((r) => [r.label, r.id]),
      [[null, null]],
    );
  });

  it('classes: the Kaggle labels 0–4 only (5 is out), any order given instead, two classes enough', async () => {
    const kaggleFive = await readTable(tsv('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\t2\n2\t1\ty\t5\n'), {
      labelled: true,
    });
    assert.throws(() => classesOf(kaggleFive), /:3: Sentiment must be an integer from 0 to 4, found "5"/);
    const t = await readTable(tsv('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\t2\n2\t1\ty\t0\n'), {
      labelled: true,
    });
    assert.deepEqual(classesOf(t, ['2', '0']).labels, ['2', '0']);
    assert.deepEqual(Array.from(classesOf(t, ['2', '0']).index), [0, 1]);
    const binary = await readTable(file('b.csv', 'text,label\ngood,pos\nbad,neg\n'), { labelled: true });
    assert.deepEqual(classesOf(binary).labels, ['pos', 'neg']);
    await assert.rejects(readLabelled(file('e.csv', 'text,label\ngood,pos\nbad,\n')), /e\.csv:3: missing label value/);
  });
});
