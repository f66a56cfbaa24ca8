import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdoutBlock } from '../../bench/holdout-block.ts';

// 6 sentences of 1–3 phrases; one phrase carries a quote the TSV keeps as it is.
const ROWS = [
  ['1', '1', 'a "b" c', '2'],
  ['2', '1', 'a', '2'],
  ['3', '2', 'd e', '3'],
  ['4', '3', 'f', '1'],
  ['5', '3', 'f g', '0'],
  ['6', '3', 'g', '2'],
  ['7', '4', 'h', '4'],
  ['8', '5', 'i j', '2'],
  ['9', '6', 'k', '3'],
  ['10', '6', 'k l', '3'],
];
const HEADER = 'PhraseId\tSentenceId\tPhrase\tSentiment';
const TSV = `${[HEADER, ...ROWS.map((r) => r.join('\t'))].join('\n')}\n`;
const body = (file: string) => file.trimEnd().split('\n').slice(1);

describe('bench:holdout block', () => {
  it('cuts whole sentences out, header first, every row kept as it was, the blocks covering the file once', () => {
    const seen: string[] = [];
    for (let b = 1; b <= 3; b++) {
      const h = holdoutBlock(TSV, 'SentenceId', 3, b);
      assert.ok(h.train.startsWith(`${HEADER}\n`) && h.heldOut.startsWith(`${HEADER}\n`));
      assert.equal(h.trainRows + h.heldOutRows, ROWS.length);
      const sentences = (lines: string[]) => new Set(lines.map((l) => l.split('\t')[1]));
      const held = sentences(body(h.heldOut));
      for (const s of sentences(body(h.train))) assert.ok(!held.has(s), `sentence ${s} on both sides of block ${b}`);
      seen.push(...body(h.heldOut));
    }
    assert.deepEqual(seen, body(TSV), 'blocks 1..3 in order are the file');
  });

  it('holds out the block --folds holds out as the same fold: contiguous sentences, first block first', () => {
    assert.deepEqual(
      body(holdoutBlock(TSV, 'SentenceId', 3, 1).heldOut).map((l) => l.split('\t')[0]),
      ['1', '2', '3'],
    );
    assert.deepEqual(
      body(holdoutBlock(TSV, 'SentenceId', 3, 3).heldOut).map((l) => l.split('\t')[1]),
      ['5', '6', '6'],
    );
  });

  it('says which column is missing', () => {
    assert.throws(() => holdoutBlock(TSV, 'Sentence', 3, 1), /no Sentence column/);
  });
});
