/** The convolutional member on vectors: its layers, its size, and that it learns on the wasm engine. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildCnn, CNN_DEFAULTS } from '../../src/model/cnn.ts';
import { describeLayers } from '../../src/model/quietly.ts';

describe('the convolutional member on vectors', () => {
  before(async () => {
    await initEngine('wasm');
  });
  const shape = { rows: 50, dims: 6, numClasses: 3, learningRate: 0.01 };

  it('has one Conv1D per window width, each max-pooled over time, and the parameters that make', () => {
    const model = buildCnn(shape, null);
    const widths = CNN_DEFAULTS.widths.length;
    assert.equal(
      describeLayers(model),
      `Embedding → SpatialDropout1D → Conv1D ×${widths} → GlobalMaxPooling1D ×${widths} → Concatenate → Dropout → Dense(softmax)`,
    );
    const f = CNN_DEFAULTS.filters;
    const convs = CNN_DEFAULTS.widths.reduce((n, w) => n + w * shape.dims * f + f, 0);
    assert.equal(model.countParams(), shape.rows * shape.dims + convs + widths * f * 3 + 3);
    model.dispose();
  });

  it('starts from the given vectors, answers a one-word phrase, and learns on the wasm engine', async () => {
    const vectors = Float32Array.from({ length: shape.rows * shape.dims }, (_, i) => Math.sin(i));
    const model = buildCnn(shape, vectors);
    assert.deepEqual(Array.from(model.getLayer('embedding').getWeights()[0].dataSync()), Array.from(vectors));
    const one = model.predict(tf.tensor2d([[7]], [1, 1], 'int32')) as tf.Tensor;
    assert.ok(Math.abs(one.sum().dataSync()[0] - 1) < 1e-5);
    // Token 1 … 9 in the first place decides the class: a pattern one window width sees.
    const x = tf.tensor2d(
      Array.from({ length: 60 }, (_, i) => [1 + (i % 9), 20, 21]),
      [60, 3],
      'int32',
    );
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 60 }, (_, i) => (i % 9) % 3),
        'int32',
      ),
      3,
    );
    const first = await model.fit(x, y, { epochs: 1, batchSize: 20, verbose: 0 });
    const later = await model.fit(x, y, { epochs: 30, batchSize: 20, verbose: 0 });
    assert.ok((later.history.loss.at(-1) as number) < (first.history.loss[0] as number) / 2);
    model.dispose();
  });
});
