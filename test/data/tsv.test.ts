import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { labelCounts } from '../../src/data/labels.ts';
import { readPhraseTsv } from '../../src/data/tsv.ts';
import { readFixture, tempDir, TEST_TSV, TRAIN_TSV } from '../helpers.ts';

interface Split {
  rows: number;
  label_counts: Record<string, number>;
}

function tsv(content: string | Buffer): string {
  const path = join(tempDir(), 'f.tsv');
  writeFileSync(path, content);
  return path;
}

describe('readPhraseTsv', () => {
  it('reads all of data/train.tsv with its label counts', async () => {
    const split = readFixture<Split>('golden/split.json');
    const t = await readPhraseTsv(TRAIN_TSV, { labelled: true });
    assert.equal(t.rows.length, split.rows);
    assert.deepEqual(labelCounts(t.rows.map((r) => r.sentiment ?? -1)), Object.values(split.label_counts));
    assert.equal(t.sha256, 'b59d3b8ab798d0d4f2469932e32ebfa89c9efd0dd2989aa34437c93004974bee');
  });

  it('keeps the single-space phrases (train 2006, test 157451)', async () => {
    const train = await readPhraseTsv(TRAIN_TSV, { labelled: true });
    assert.equal(train.rows.find((r) => r.phraseId === 2006)?.phrase, ' ');
    const test = await readPhraseTsv(TEST_TSV, { labelled: false });
    assert.equal(test.rows.length, 66292);
    assert.equal(test.rows.find((r) => r.phraseId === 157451)?.phrase, ' ');
    assert.ok(test.rows.every((r) => r.sentiment === null));
  });

  it('keeps a " inside a phrase as text (quoting is off)', async () => {
    const p = tsv('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tsay "hi\t3\n2\t1\t"quoted" words\t2\n');
    const t = await readPhraseTsv(p, { labelled: true });
    assert.deepEqual(t.rows.map((r) => [r.phrase, r.sentiment, r.line]), [['say "hi', 3, 2], ['"quoted" words', 2, 3]]);
  });

  it('accepts CRLF line endings and a UTF-8 BOM', async () => {
    const p = tsv('\uFEFFPhraseId\tSentenceId\tPhrase\tSentiment\r\n1\t1\tgood\t4\r\n2\t1\tbad\t0\r\n');
    const t = await readPhraseTsv(p, { labelled: true });
    assert.deepEqual(t.rows.map((r) => [r.phraseId, r.phrase, r.sentiment]), [[1, 'good', 4], [2, 'bad', 0]]);
  });

  const bad: [string, string | Buffer, RegExp][] = [
    ['an empty file', '', /empty/],
    ['a header only', 'PhraseId\tSentenceId\tPhrase\tSentiment\n', /no rows/],
    ['no Sentiment column', 'PhraseId\tSentenceId\tPhrase\n1\t1\tx\n', /missing column Sentiment/],
    ['a comma-separated file', 'PhraseId,SentenceId,Phrase,Sentiment\n1,1,x,2\n', /comma-separated/],
    ['too few fields', 'PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\n', /:2: expected 4 tab-separated fields, found 3/],
    ['a label out of range', 'PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tx\t2\n2\t1\ty\t7\n', /:3: Sentiment must be an integer from 0 to 4/],
    ['invalid UTF-8', Buffer.concat([Buffer.from('PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tok\t2\n2\t1\t'), Buffer.from([0xff, 0xfe]), Buffer.from('\t2\n')]), /:3: invalid UTF-8/],
  ];
  for (const [name, content, message] of bad) {
    it(`rejects ${name} with file and line`, async () => {
      const p = tsv(content);
      await assert.rejects(readPhraseTsv(p, { labelled: true }), (err: unknown) => err instanceof InputError && message.test(err.message) && err.message.startsWith(p));
    });
  }

  it('names a missing file and a directory', async () => {
    await assert.rejects(readPhraseTsv('/nonexistent/x.tsv', { labelled: true }), /x\.tsv: no such file/);
    await assert.rejects(readPhraseTsv(tempDir(), { labelled: true }), /is a directory/);
  });
});
