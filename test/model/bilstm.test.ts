import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildBiLstm } from '../../src/model/bilstm.ts';

describe('the member on vectors', () => {
  it('starts its embedding at the vectors and keeps them once in memory', async () => {
    await initEngine('wasm');
    const rows = 50;
    const dims = 8;
    const vectors = Float32Array.from({ length: rows * dims }, (_, i) => Math.sin(i));
    const bytesBefore = tf.memory().numBytes;
    const model = buildBiLstm(
      { rows, dims, units: 4, bidirectional: true, pooling: 'max-mean', numClasses: 5, learningRate: 0.01 },
      vectors,
    );
    try {
      const embedding = model.getLayer('embedding').getWeights()[0];
      assert.deepEqual(embedding.shape, [rows, dims]);
      assert.deepEqual(embedding.dataSync(), vectors);
      const weightBytes = model.weights.reduce((n, w) => n + w.read().size * 4, 0);
      // The weights, and the optimizer's few scalars: not a second copy of the vectors.
      assert.ok(tf.memory().numBytes - bytesBefore < weightBytes + rows * dims * 4, 'the vectors are held twice');
    } finally {
      model.dispose();
    }
  });
});
