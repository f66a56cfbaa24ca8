/**
 * Every bad input of `sentiment train` in one table: what the user gives, the exit code and the message.
 * A failing run must leave the existing model directory exactly as it was.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sentiment, tempDir, tinyModel } from '../helpers.ts';

const HEADER = 'PhraseId\tSentenceId\tPhrase\tSentiment';
const TINY = ['--epochs', '1', '--units', '4', '--embedding-dim', '4', '--dense-units', '4', '--batch-size', '16'];

/** Labelled rows with every class, so only the case's own defect matters. */
function rows(n = 20): string[] {
  return Array.from(
    { length: n },
    (_, i) => `${i + 1}\t1\t${['a good film', 'bad', 'it is fine', 'rather dull stuff', 'great fun'][i % 5]}\t${i % 5}`,
  );
}

interface Case {
  name: string;
  /** File content (string or bytes), or a function making the path to pass. */
  file?: string | Buffer | ((dir: string) => string);
  args?: string[];
  code: number;
  /** Expected on stderr (failures) or stdout (accepted cases). */
  message: RegExp;
}

const CASES: Case[] = [
  { name: 'missing file', file: (d) => join(d, 'nope.tsv'), code: 2, message: /nope\.tsv: no such file/ },
  { name: 'a directory instead of a file', file: (d) => d, code: 2, message: /is a directory, expected a data file/ },
  { name: 'empty file', file: '', code: 2, message: /data\.tsv: the file is empty/ },
  { name: 'header only', file: `${HEADER}\n`, code: 2, message: /data\.tsv: the file has a header but no rows/ },
  {
    name: 'header without a text column',
    file: `PhraseId\tSentenceId\tBody\tSentiment\n1\t1\tgood\t3\n`,
    code: 2,
    message:
      /data\.tsv:1: missing column Phrase \(no text column among Phrase, text, review, sentence, phrase; the header has: PhraseId, SentenceId, Body, Sentiment\)/,
  },
  {
    name: 'header without Sentiment',
    file: `PhraseId\tSentenceId\tPhrase\n1\t1\tgood\n`,
    code: 2,
    message: /data\.tsv:1: missing column Sentiment/,
  },
  {
    name: 'a CSV given as TSV',
    file: 'PhraseId,SentenceId,Phrase,Sentiment\n1,1,good,3\n',
    code: 2,
    message: /data\.tsv:1: the header has no tab: this looks like a comma-separated file/,
  },
  {
    name: 'a row with too few fields',
    file: `${HEADER}\n${rows(3).join('\n')}\n4\t1\tgood\n`,
    code: 2,
    message: /data\.tsv:5: expected 4 tab-separated fields, found 3/,
  },
  {
    name: 'a row with too many fields',
    file: `${HEADER}\n1\t1\tgood\t3\textra\n`,
    code: 2,
    message: /data\.tsv:2: expected 4 tab-separated fields, found 5/,
  },
  {
    name: 'a label that is not an integer',
    file: `${HEADER}\n${rows(4).join('\n')}\n5\t1\tgood\tpositive\n`,
    code: 2,
    message: /data\.tsv:6: Sentiment must be an integer from 0 to 4, found "positive"/,
  },
  {
    name: 'a fractional label',
    file: `${HEADER}\n1\t1\tgood\t2.5\n`,
    code: 2,
    message: /data\.tsv:2: Sentiment must be an integer from 0 to 4, found "2\.5"/,
  },
  {
    name: 'a label above 4',
    file: `${HEADER}\n1\t1\tgood\t5\n`,
    code: 2,
    message: /data\.tsv:2: Sentiment must be an integer from 0 to 4, found "5"/,
  },
  {
    name: 'a negative label',
    file: `${HEADER}\n1\t1\tgood\t-1\n`,
    code: 2,
    message: /data\.tsv:2: Sentiment must be an integer from 0 to 4, found "-1"/,
  },
  {
    name: 'a single label in the whole file',
    file: `${HEADER}\n1\t1\tgood\t2\n2\t1\tbad\t2\n`,
    code: 2,
    message: /data\.tsv: every row has Sentiment 2 \(neutral\); training needs at least two different labels/,
  },
  {
    name: 'invalid UTF-8',
    file: Buffer.concat([
      Buffer.from(`${HEADER}\n1\t1\tgood\t3\n2\t1\t`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('\t1\n'),
    ]),
    code: 2,
    message: /data\.tsv:3: invalid UTF-8/,
  },
  {
    name: 'CRLF line endings (accepted)',
    file: `${HEADER}\r\n${rows().join('\r\n')}\r\n`,
    code: 0,
    message: /^data {4}.*20 phrases/m,
  },
  {
    name: 'a UTF-8 BOM (accepted)',
    file: `\uFEFF${HEADER}\n${rows().join('\n')}\n`,
    code: 0,
    message: /^data {4}.*20 phrases/m,
  },
  {
    name: 'a 1 MB phrase (accepted, cut to 256 tokens with a warning)',
    file: `${HEADER}\n${rows().join('\n')}\n21\t1\t${'good film '.repeat(100_000)}\t4\n`,
    code: 0,
    message:
      /longest phrase 200,000 words, inputs up to 256 tokens[\s\S]*warning: 1 phrase longer than 256 tokens was cut to the last 256, as pad_sequences cuts/,
  },
  {
    name: '--max-len cuts longer phrases (accepted, with a warning)',
    file: `${HEADER}\n${rows().join('\n')}\n`,
    args: ['--max-len', '2'],
    code: 0,
    message: /warning: 12 phrases longer than 2 tokens were cut to the last 2/,
  },
  {
    name: '--max-words 1 (no word kept)',
    args: ['--max-words', '1'],
    code: 2,
    message: /--max-words 1: keeps no word/,
  },
  {
    name: 'every phrase empty once cleaned',
    file: `${HEADER}\n${rows()
      .map((r, i) => r.replace(/\t[^\t]+\t(\d)$/, `\t${['#', '%%', '()', '--', '~ ~'][i % 5]}\t$1`))
      .join('\n')}\n`,
    code: 2,
    message: /data\.tsv: no phrase holds a word once cleaned/,
  },
  {
    name: 'a header naming the text column twice',
    file: `PhraseId\tSentenceId\tPhrase\tSentiment\tPhrase\n${rows()
      .map((r) => `${r}\tx`)
      .join('\n')}\n`,
    code: 2,
    message: /data\.tsv:1: the header names column "Phrase" 2 times \(columns 3, 5\)/,
  },
  { name: '--epochs 0', args: ['--epochs', '0'], code: 1, message: /option '--epochs <n>' argument '0' is invalid/ },
  { name: '--epochs -1', args: ['--epochs', '-1'], code: 1, message: /option '--epochs <n>' argument '-1' is invalid/ },
  {
    name: '--epochs abc',
    args: ['--epochs', 'abc'],
    code: 1,
    message: /option '--epochs <n>' argument 'abc' is invalid/,
  },
  {
    name: '--validation-split 1',
    args: ['--validation-split', '1'],
    code: 1,
    message: /'--validation-split <f>' argument '1' is invalid/,
  },
  {
    name: '--validation-split -0.1',
    args: ['--validation-split', '-0.1'],
    code: 1,
    message: /'--validation-split <f>' argument '-0.1' is invalid/,
  },
  {
    name: '--batch-size 0',
    args: ['--batch-size', '0'],
    code: 1,
    message: /'--batch-size <n>' argument '0' is invalid/,
  },
  {
    name: '--out pointing at an existing file',
    args: ['--out', 'FILE'],
    code: 2,
    message: /--out \S*FILE: points at an existing file; give a directory/,
  },
  {
    name: '--out under a file',
    args: ['--out', 'FILE/model'],
    code: 2,
    message: /--out \S*FILE\/model: is under \S*FILE, which is a file/,
  },
  {
    name: "--out ''",
    args: ['--out', ''],
    code: 1,
    message: /--out <dir>' argument '' is invalid. expected a path, got an empty one/,
  },
  {
    name: '--out . (a directory of other files)',
    args: ['--out', '.'],
    code: 2,
    message: /--out \.: is a directory of other files \(.*\), not a model directory/,
  },
  {
    name: 'a CRLF header over LF rows',
    file: `${HEADER}\r\n${rows().join('\n')}\n`,
    code: 2,
    message: /data\.tsv:2: mixed line endings: line 1 ends with CRLF \(Windows\), this line with LF/,
  },
  {
    name: 'a blank line among the rows',
    file: `${HEADER}\n${rows(3).join('\n')}\n\n${rows(3).join('\n')}\n`,
    code: 2,
    message: /data\.tsv:5: a blank line among the rows/,
  },
  {
    name: 'trailing blank lines (accepted)',
    file: `${HEADER}\n${rows().join('\n')}\n\n\n`,
    code: 0,
    message: /^data {4}.*20 phrases/m,
  },
];

/** Every file under `dir` (the checkpoint too), by relative path, with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(
    files
      .map((e) => join(e.parentPath, e.name))
      .sort()
      .map((f) => [f, readFileSync(f).toString('base64')]),
  );
}

describe('bad input to sentiment train: a clear message, a non-zero exit, nothing overwritten', () => {
  let existingModel = '';
  before(async () => {
    existingModel = await tinyModel({ rows: 100 });
  });

  for (const c of CASES) {
    it(c.name, () => {
      const dir = tempDir();
      const data = typeof c.file === 'function' ? c.file(dir) : join(dir, 'data.tsv');
      if (typeof c.file === 'string' || Buffer.isBuffer(c.file)) writeFileSync(data, c.file);
      else if (c.file === undefined) writeFileSync(data, `${HEADER}\n${rows().join('\n')}\n`);
      const out = join(dir, 'model');
      cpSync(existingModel, out, { recursive: true });
      const before = snapshot(out);
      const file = join(dir, 'FILE');
      writeFileSync(file, 'not a model');
      const args = (c.args ?? []).map((a) => a.replace(/^FILE/, file));
      const r = sentiment(['train', data, ...TINY, '--out', out, ...args]);
      assert.equal(r.code, c.code, r.err + r.out);
      assert.match(c.code === 0 ? r.out + r.err : r.err, c.message);
      if (c.code !== 0) {
        assert.deepEqual(snapshot(out), before, 'the model directory is untouched');
        assert.equal(readFileSync(file, 'utf8'), 'not a model');
      }
    });
  }

  it('predict cuts a text longer than the model to its length, saying so', () => {
    mkdirSync(join(tempDir(), 'x'), { recursive: true });
    const r = sentiment(['predict', 'good film '.repeat(300), '--model', existingModel]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warning: 1 text longer than \d+ tokens was cut to the last \d+, as the model was trained/);
  });
});

describe('random bytes as a data file, through the built CLI', () => {
  it('exit 2 with one line naming the file, or a model; never a stack trace or a partial directory', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), async (bytes) => {
        const dir = tempDir();
        const data = join(dir, 'data.tsv');
        writeFileSync(data, bytes);
        const out = join(dir, 'model');
        const r = sentiment(['train', data, ...TINY, '--out', out], { timeoutMs: 60_000 });
        assert.ok(r.code === 2 || r.code === 0, `exit ${r.code}: ${r.err}`);
        assert.doesNotMatch(r.err, /^\s+at |node:internal/m);
        if (r.code === 2) {
          assert.match(r.err, /^error: .*data\.tsv/);
          assert.equal(r.err.trim().split('\n').length, 1, r.err);
          assert.ok(!existsSync(out), 'nothing written');
        } else assert.ok(existsSync(join(out, 'meta.json')));
      }),
      { numRuns: 8 },
    );
  });
});
