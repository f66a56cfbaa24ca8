import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { readAndDispose } from '../../src/model/tensor-data.ts';

describe('readAndDispose', () => {
  it("gives a tidy-made tensor's values and frees it", async () => {
    await initEngine('cpu');
    const before = tf.memory().numTensors;
    const values = readAndDispose(tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3]), 1)));
    assert.deepEqual(Array.from(values), [2, 3, 4]);
    const ids = readAndDispose<Int32Array>(tf.tidy(() => tf.topk(tf.tensor1d([3, 1, 2]), 2).indices));
    assert.deepEqual(Array.from(ids), [0, 2]);
    assert.equal(tf.memory().numTensors, before);
  });
});
