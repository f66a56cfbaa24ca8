import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { cleanText } from '../../src/data/clean.ts';
import { prepareTrainingData } from '../../src/data/prepare.ts';
import { maxPhraseLength, padSequence, padSequences, truncatePre } from '../../src/data/padding.ts';
import { readLabelled } from '../../src/data/labels.ts';
import type { TableRow } from '../../src/data/table.ts';
import { readFixture, TRAIN_TSV } from '../helpers.ts';

interface Golden {
  max_phrase_len: number;
  num_words: number;
  document_count: number;
  distinct_words: number;
  first_rows: { phrase_id: number; cleaned: string; padded: number[] }[];
  sampled_rows: { phrase_id: number; cleaned: string; padded: number[] }[];
  crafted: { input: string; padded: number[] }[];
}

const golden = readFixture<Golden>('golden/sequences.json');

describe('pad_sequences parity with the seed on data/train.tsv', () => {
  let rows: TableRow[];
  let data: ReturnType<typeof prepareTrainingData>;
  before(async () => {
    const table = await readLabelled(TRAIN_TSV);
    rows = table.table.rows;
    data = prepareTrainingData(table.texts, table.index, { maxWords: 8192 });
  });

  it('computes max_phrase_len 53 as the seed does', () => {
    assert.equal(maxPhraseLength(data.cleaned), golden.max_phrase_len);
    assert.equal(data.maxLen, 53);
    assert.equal(data.tokenizer.wordIndex.size, golden.distinct_words);
  });

  it('matches every golden row: cleaned text and padded sequence', () => {
    const byId = new Map(rows.map((r, i) => [Number(r.id), i]));
    const golds = [...golden.first_rows, ...golden.sampled_rows];
    assert.ok(golds.length >= 2300);
    for (const g of golds) {
      const i = byId.get(g.phrase_id);
      assert.ok(i !== undefined, `PhraseId ${g.phrase_id}`);
      assert.equal(data.cleaned[i], g.cleaned, `cleaned ${g.phrase_id}`);
      assert.deepEqual([...padSequence(data.sequences[i], { maxLen: 53 })], g.padded, `padded ${g.phrase_id}`);
    }
  });

  it('matches the crafted inputs', () => {
    for (const g of golden.crafted) {
      const seq = data.tokenizer.textToSequence(cleanText(g.input));
      assert.deepEqual([...padSequence(seq, { maxLen: 53 })], g.padded, g.input);
    }
  });

  it("pads and truncates 'pre' by default, 'post' on request", () => {
    assert.deepEqual([...padSequences([[1, 2], [1, 2, 3, 4, 5], []], { maxLen: 3 })], [0, 1, 2, 3, 4, 5, 0, 0, 0]);
    assert.deepEqual([...padSequence([1, 2, 3, 4], { maxLen: 3, padding: 'post', truncating: 'post' })], [1, 2, 3]);
    assert.deepEqual([...padSequence([1], { maxLen: 3, padding: 'post' })], [1, 0, 0]);
  });

  it("takes 'pre' and 'post' spelt out, and refuses any other mode naming it", () => {
    for (const padding of ['pre', 'post'] as const)
      for (const truncating of ['pre', 'post'] as const)
        assert.equal(padSequences([[1, 2, 3, 4]], { maxLen: 3, padding, truncating }).length, 3);
    for (const name of ['padding', 'truncating'])
      assert.throws(() => padSequences([[1]], { maxLen: 3, [name]: 'middle' } as never), {
        name: 'SettingError',
        message: new RegExp(name),
      });
  });

  it('fills with the given value and keeps the last tokens when cutting', () => {
    assert.deepEqual([...padSequence([1, 2], { maxLen: 4, padding: 'post', value: 9 })], [1, 2, 9, 9]);
    assert.deepEqual([...padSequence([1, 2], { maxLen: 4, value: 9 })], [9, 9, 1, 2]);
    assert.deepEqual(truncatePre([1, 2, 3, 4], 2), [3, 4]);
    assert.deepEqual(truncatePre([1, 2], 2), [1, 2]);
    assert.deepEqual(truncatePre([1], 3), [1]);
  });
});
