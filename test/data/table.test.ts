import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { classesOf, labelCounts } from '../../src/data/labels.ts';
import { readTable } from '../../src/data/table.ts';
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

  it('keeps the single-space phrases (train 2006, test 157451), and ids as text', async () => {
    const train = await readTable(TRAIN_TSV, { labelled: true });
    assert.equal(train.rows.find((r) => r.id === '2006')?.text, ' ');
    const test = await readTable(TEST_TSV, { labelled: false, ids: true });
    assert.equal(test.rows.length, 66292);
    assert.equal(test.rows.find((r) => r.id === '157451')?.text, ' ');
    assert.ok(test.rows.every((r) => r.label === null));
  });

  it('keeps a " inside a phrase as text (quoting is off)', async () => {
    const t = await readTable(tsv('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tsay "hi\t3\n2\t1\t"quoted" words\t2\n'), { labelled: true });
    assert.deepEqual(t.rows.map((r) => [r.text, r.label, r.line]), [['say "hi', '3', 2], ['"quoted" words', '2', 3]]);
  });

  it('accepts CRLF line endings, a UTF-8 BOM and blank lines at the end', async () => {
    const t = await readTable(tsv('\uFEFFPhraseId\tSentenceId\tPhrase\tSentiment\r\n1\t1\tgood\t4\r\n2\t1\tbad\t0\r\n\r\n\r\n'), { labelled: true });
    assert.deepEqual(t.rows.map((r) => [r.id, r.text, r.label]), [['1', 'good', '4'], ['2', 'bad', '0']]);
  });

  const bad: [string, string | Buffer, RegExp][] = [
    ['an empty file', '', /empty/],
    ['a header only', 'PhraseId\tSentenceId\tPhrase\tSentiment\n', /no rows/],
    ['no Sentiment column', 'PhraseId\tSentenceId\tPhrase\n1\t1\tx\n', /:1: missing column Sentiment/],
    ['a comma-separated file', 'PhraseId,SentenceId,Phrase,Sentiment\n1,1,x,2\n', /comma-separated/],
    ['too few fields', 'PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\n', /:2: expected 4 tab-separated fields, found 3/],
    ['a blank line between rows', 'PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\t2\n\n2\t1\ty\t2\n', /:3: a blank line among the rows/],
    ['a CRLF header over LF rows', 'PhraseId\tSentenceId\tPhrase\tSentiment\r\n1\t1\tx\t2\n2\t1\ty\t2\n', /:2: mixed line endings: line 1 ends with CRLF \(Windows\), this line with LF/],
    ['invalid UTF-8', Buffer.concat([Buffer.from('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tok\t2\n2\t1\t'), Buffer.from([0xff, 0xfe]), Buffer.from('\t2\n')]), /:3: invalid UTF-8/],
  ];
  for (const [name, content, message] of bad) {
    it(`rejects ${name} with file and line`, async () => {
      const p = tsv(content);
      await assert.rejects(readTable(p, { labelled: true }), (err: unknown) => err instanceof InputError && message.test(err.message) && err.message.startsWith(p));
    });
  }

  it('a Kaggle label outside 0–4 names its line', async () => {
    const t = await readTable(tsv('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\t2\n2\t1\ty\t7\n'), { labelled: true });
    assert.throws(() => classesOf(t), /:3: Sentiment must be an integer from 0 to 4/);
  });

  it('names a missing file and a directory', async () => {
    await assert.rejects(readTable('/nonexistent/x.tsv', { labelled: true }), /x\.tsv: no such file/);
    await assert.rejects(readTable(tempDir(), { labelled: true }), /is a directory/);
  });
});

describe('reading your own data', () => {
  it('CSV: quoted commas, quotes and line breaks inside fields, a BOM; the line a row starts on', async () => {
    const t = await readTable(file('r.csv', '\uFEFFreview,label\n"good, really",pos\n"she said ""meh""\non two lines",neg\nplain,pos\n'), { labelled: true });
    assert.deepEqual(t.rows.map((r) => [r.text, r.label, r.line]), [['good, really', 'pos', 2], ['she said "meh"\non two lines', 'neg', 3], ['plain', 'pos', 5]]);
    assert.deepEqual(t.used, { text: 'review', label: 'label', group: null, id: null });
  });

  it('CSV: an unclosed quote names the line where it opened', async () => {
    await assert.rejects(readTable(file('q.csv', 'text,label\nok,pos\n"never closed,neg\nmore,pos\n'), { labelled: true }), /q\.csv:3: a quote opened here is never closed/);
  });

  it('JSON Lines: string and number labels, fields by name; a line that is not an object names its line', async () => {
    const t = await readTable(file('t.jsonl', '{"text": "great", "label": "pos"}\n{"label": "neg", "text": "awful", "extra": 1}\n'), { labelled: true });
    assert.deepEqual(t.rows.map((r) => [r.text, r.label]), [['great', 'pos'], ['awful', 'neg']]);
    await assert.rejects(readTable(file('a.jsonl', '{"text": "ok", "label": 1}\n[1, 2]\n'), { labelled: true }), /a\.jsonl:2: expected a JSON object per line, found an array/);
    await assert.rejects(readTable(file('m.jsonl', '{"text": "ok", "label": 1}\n{"label": 2}\n'), { labelled: true }), /m\.jsonl:2: missing text field "text"/);
  });

  it('gzip: read as is, the format from the name under .gz', async () => {
    const t = await readTable(file('r.csv.gz', gzipSync('text,stars\nfine,4\nbad,1\n')), { labelled: true });
    assert.deepEqual(t.rows.map((r) => [r.text, r.label]), [['fine', '4'], ['bad', '1']]);
    assert.equal(t.format, 'csv');
  });

  it('columns by name, any case; an unknown column lists the ones there are', async () => {
    const t = await readTable(file('c.csv', 'Sentence,Rating,Id\nok,3,a1\n'), { labelled: true, ids: true });
    assert.deepEqual(t.used, { text: 'Sentence', label: 'Rating', group: null, id: 'Id' });
    await assert.rejects(readTable(file('u.csv', 'a,b\n1,2\n'), { labelled: true, columns: { text: 'body' } }), /u\.csv:1: no text column "body" \(the header has: a, b\)/);
  });

  it('classes: numbers ascending, words by first appearance, or the order given; a label outside it names its line', async () => {
    const stars = await readTable(file('s.csv', 'text,stars\na,5\nb,1\nc,3\nd,1.0\n'), { labelled: true });
    assert.deepEqual(classesOf(stars).labels, ['1', '3', '5']);
    assert.deepEqual(Array.from(classesOf(stars).index), [2, 0, 1, 0]);
    const words = await readTable(file('w.csv', 'text,label\na,pos\nb,neg\nc,neutral\n'), { labelled: true });
    assert.deepEqual(classesOf(words).labels, ['pos', 'neg', 'neutral']);
    assert.deepEqual(classesOf(words, ['neg', 'neutral', 'pos']).labels, ['neg', 'neutral', 'pos']);
    assert.throws(() => classesOf(words, ['neg', 'pos']), /w\.csv:4: label "neutral" is not one of the classes \(neg, pos\)/);
    const one = await readTable(file('o.csv', 'text,label\na,pos\nb,pos\n'), { labelled: true });
    assert.throws(() => classesOf(one), /every row has label pos; training needs at least two different labels/);
  });
});
