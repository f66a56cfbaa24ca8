import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBatch, groupLength, makeBatches, oneHotBatch } from '../../src/data/batches.ts';
import { makeRng } from '../../src/data/random.ts';
import { range } from '../../src/data/split.ts';

describe('batches', () => {
  const seqs = [[5], [1, 2], [], [3, 4], [7, 8, 9], [6]];

  it('groups phrases of one token length; a phrase with no known word is one padding token', () => {
    const batches = makeBatches(seqs, range(0, seqs.length), { mode: 'group', batchSize: 2, maxLen: 53 });
    const shape = batches.map((b) => [b.length, [...b.rows]]);
    assert.deepEqual(shape, [
      [1, [0, 2]],
      [1, [5]],
      [2, [1, 3]],
      [3, [4]],
    ]);
    assert.deepEqual([...encodeBatch(seqs, batches[0])], [5, 0]);
    assert.equal(groupLength([], 53), 1);
  });

  it("'max' pre-pads every phrase to the longest, as the seed", () => {
    const [b] = makeBatches(seqs, range(0, 3), { mode: 'max', batchSize: 8, maxLen: 4 });
    assert.deepEqual([...encodeBatch(seqs, b)], [0, 0, 0, 5, 0, 0, 1, 2, 0, 0, 0, 0]);
  });

  it('shuffles within groups and the batch order, repeatably for a seed, covering every row once', () => {
    const many = Array.from({ length: 1000 }, (_, i) => Array.from({ length: 1 + (i % 7) }, () => 1));
    const a = makeBatches(many, range(0, 1000), { mode: 'group', batchSize: 32, maxLen: 53, rng: makeRng(1) });
    const b = makeBatches(many, range(0, 1000), { mode: 'group', batchSize: 32, maxLen: 53, rng: makeRng(1) });
    const c = makeBatches(many, range(0, 1000), { mode: 'group', batchSize: 32, maxLen: 53, rng: makeRng(2) });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const rows = a.flatMap((x) => [...x.rows]).sort((p, q) => p - q);
    assert.deepEqual(rows, [...range(0, 1000)]);
    for (const batch of a) for (const r of batch.rows) assert.equal(many[r].length, batch.length);
  });

  it('one-hot encodes labels', () => {
    assert.deepEqual(
      [...oneHotBatch([4, 0], { rows: Int32Array.from([1, 0]), length: 1 }, 5)],
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    );
  });

  it('scores in a fixed order: lengths ascending, rows in order within a length', () => {
    const desc = [[1, 2, 3], [4, 5], [6], [7, 8, 9], [1]];
    const shape = makeBatches(desc, range(0, 5), { mode: 'group', batchSize: 4, maxLen: 53 }).map((b) => [
      b.length,
      [...b.rows],
    ]);
    assert.deepEqual(shape, [
      [1, [2, 4]],
      [2, [1]],
      [3, [0, 3]],
    ]);
  });

  it("'mix' joins four parts of a quarter batch, each of one length, every row once, no empty batch", () => {
    const many = Array.from({ length: 1024 }, (_, i) => Array.from({ length: 1 + (i % 5) }, () => 1));
    const batches = makeBatches(many, range(0, 1024), { mode: 'mix', batchSize: 64, maxLen: 53, rng: makeRng(3) });
    assert.ok(batches.length >= 1024 / 64);
    for (const b of batches) {
      const parts = b.parts ?? [];
      assert.ok(
        parts.length >= 1 && parts.length <= 4 && b.rows.length > 0 && b.rows.length <= 64,
        `${parts.length} parts, ${b.rows.length} rows`,
      );
      for (const p of parts) {
        assert.ok(p.rows.length <= 16);
        for (const r of p.rows) assert.equal(many[r].length, p.length);
      }
      assert.deepEqual(
        [...b.rows],
        parts.flatMap((p) => [...p.rows]),
      );
      assert.equal(b.length, Math.max(...parts.map((p) => p.length)), 'the batch is as long as its longest part');
    }
    assert.ok(
      batches.some((b) => new Set((b.parts ?? []).map((p) => p.length)).size > 1),
      'parts of different lengths share a batch',
    );
    assert.deepEqual(
      batches.flatMap((b) => [...b.rows]).sort((p, q) => p - q),
      [...range(0, 1024)],
    );
  });

  it("'mix' makes no empty batch when the parts fill the last one exactly", () => {
    const same = Array.from({ length: 128 }, () => [1]);
    const batches = makeBatches(same, range(0, 128), { mode: 'mix', batchSize: 64, maxLen: 53, rng: makeRng(1) });
    assert.deepEqual(
      batches.map((b) => b.rows.length),
      [64, 64],
    );
  });
});
