import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initEngine } from '../../src/engine/engine.ts';
import { nearestWords } from '../../src/train/neighbours.ts';

describe('nearest words by their vectors', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('gives each word with a vector its k nearest by cosine among the list, nearest first, never itself', () => {
    // Row 0 is padding; "good" and "fine" point one way, "bad" and "awful" the other, "film" across.
    const index = new Map([
      ['good', 1],
      ['fine', 2],
      ['bad', 3],
      ['awful', 4],
      ['film', 5],
      ['unread', 9],
    ]);
    const table = Float32Array.from([0, 0, 10, 1, 3, 0.5, -1, 0, -4, -0.3, 0.1, 1]);
    const near = nearestWords(['good', 'fine', 'bad', 'awful', 'film', 'unread', 'missing'], index, table, 2, 2);
    assert.deepEqual(near.get('good'), ['fine', 'film']);
    assert.deepEqual(near.get('bad'), ['awful', 'film']);
    assert.equal(near.get('awful')?.[0], 'bad');
    // Rows past the table, or words without a row, have no neighbours and are none.
    assert.equal(near.has('unread'), false);
    assert.equal(near.has('missing'), false);
    for (const list of near.values()) assert.ok(!list.includes('unread') && !list.includes('missing'));
    assert.equal(nearestWords(['good'], index, table, 2, 3).size, 0);
  });
});
