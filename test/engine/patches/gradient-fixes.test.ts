import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
// The chained methods (t.mul(…)): tfjs-core registers them at run time; their types live here.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { initEngine } from '../../../src/engine/engine.ts';
import { buildModel } from '../../../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../../../src/settings.ts';
import { speedLayer } from '../../helpers.ts';

describe('gradient fixes', () => {
  it('trains an LSTM on a batch of one time step (tfjs Unpack gradient)', async () => {
    await initEngine('wasm');
    const model = buildModel(
      { ...DEFAULT_SETTINGS, maxWords: 20, embeddingDim: 4, units: 4, denseUnits: 4 },
      { numClasses: 5, inputLength: null },
      await speedLayer(),
    );
    const x = tf.tensor2d([[3], [0], [7]], [3, 1], 'int32');
    const y = tf.oneHot(tf.tensor1d([0, 2, 4], 'int32'), 5).toFloat();
    const [loss] = (await model.trainOnBatch(x, y)) as number[];
    assert.ok(Number.isFinite(loss));
    assert.deepEqual(
      tf.unstack(tf.ones([1, 2])).map((t) => t.shape),
      [[2]],
    );
    const g = tf.grad((t: tf.Tensor) => tf.unstack(t)[0].sum())(tf.ones([1, 3]));
    assert.deepEqual(Array.from(g.dataSync()), [1, 1, 1]);
    model.dispose();
  });
});
