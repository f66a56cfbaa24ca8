/**
 * The windowed Conv1D: tfjs' Conv1D to everything else (same outputs, same saved config), and it
 * trains where tfjs' own cannot (the wasm backend has no Conv2DBackpropFilter). Gradients are checked
 * against loops written from the definition.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '../../../src/engine/tf.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { windowPadding, WindowConv1D } from '../../../src/model/conv/layer.ts';
import { loadLayersModel, saveLayersModel } from '../../../src/model/layers-files.ts';
import { tempDir } from '../../helpers.ts';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** A seeded list of numbers in [-1, 1). */
function numbers(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

describe('the windowed Conv1D', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('pads as TensorFlow does: same centres the window (extra step after), causal looks back only', () => {
    assert.deepEqual(windowPadding('same', 1), [0, 0]);
    assert.deepEqual(windowPadding('same', 4), [1, 2]);
    assert.deepEqual(windowPadding('same', 5), [2, 2]);
    assert.deepEqual(windowPadding('valid', 3), [0, 0]);
    assert.deepEqual(windowPadding('causal', 3), [2, 0]);
  });

  for (const padding of ['same', 'valid'] as const)
    it(`answers as tfjs' own Conv1D, widths 1 to 5, ${padding} padding`, () => {
      for (let width = 1; width <= 5; width++) {
        const ours = new WindowConv1D({ filters: 6, kernelSize: width, padding, activation: 'relu' });
        const theirs = tf.layers.conv1d({ filters: 6, kernelSize: width, padding, activation: 'relu' });
        const x = tf.tensor3d(numbers(3 * 7 * 4, width), [3, 7, 4]);
        ours.apply(x);
        theirs.apply(x);
        theirs.setWeights(ours.getWeights());
        const a = ours.apply(x) as tf.Tensor;
        const b = theirs.apply(x) as tf.Tensor;
        assert.deepEqual(a.shape, b.shape);
        assert.ok(maxDiff(a.dataSync(), b.dataSync()) < 1e-5, `width ${width}`);
      }
    });

  it('has the gradients of a convolution: kernel, bias and input', () => {
    const [batch, steps, channels, filters, width] = [2, 5, 3, 4, 3];
    const layer = new WindowConv1D({ filters, kernelSize: width, padding: 'same', useBias: true });
    const xs = numbers(batch * steps * channels, 7);
    const weights = numbers(width * channels * filters, 11);
    const bias = numbers(filters, 13);
    const r = numbers(batch * steps * filters, 17);
    const x = tf.tensor3d(xs, [batch, steps, channels]);
    layer.apply(x);
    layer.setWeights([tf.tensor3d(weights, [width, channels, filters]), tf.tensor1d(bias)]);
    // loss = Σ y · r, so dL/dy = r.
    const loss = (input: tf.Tensor) =>
      tf.sum(tf.mul(layer.apply(input) as tf.Tensor, tf.tensor3d(r, [batch, steps, filters])));
    const { grads } = tf.variableGrads(
      () => loss(x) as tf.Scalar,
      layer.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const dx = tf.grad(loss)(x);

    const [before] = windowPadding('same', width);
    const wantW = new Float32Array(width * channels * filters);
    const wantB = new Float32Array(filters);
    const wantX = new Float32Array(batch * steps * channels);
    for (let b = 0; b < batch; b++)
      for (let t = 0; t < steps; t++)
        for (let f = 0; f < filters; f++) {
          const g = r[(b * steps + t) * filters + f];
          wantB[f] += g;
          for (let j = 0; j < width; j++) {
            const s = t + j - before;
            if (s < 0 || s >= steps) continue;
            for (let c = 0; c < channels; c++) {
              wantW[(j * channels + c) * filters + f] += xs[(b * steps + s) * channels + c] * g;
              wantX[(b * steps + s) * channels + c] += weights[(j * channels + c) * filters + f] * g;
            }
          }
        }
    const [kernelGrad, biasGrad] = layer.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]);
    assert.ok(maxDiff(kernelGrad.dataSync(), wantW) < 1e-4, 'kernel');
    assert.ok(maxDiff(biasGrad.dataSync(), wantB) < 1e-4, 'bias');
    assert.ok(maxDiff(dx.dataSync(), wantX) < 1e-4, 'input');
  });

  it('saves as an ordinary Conv1D and loads as the windowed one', async () => {
    const input = tf.input({ shape: [null, 3] });
    const output = new WindowConv1D({ filters: 2, kernelSize: 2, padding: 'same', name: 'conv' }).apply(
      input,
    ) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const dir = tempDir();
    await saveLayersModel(model, dir);
    const loaded = await loadLayersModel(dir);
    const layer = loaded.getLayer('conv');
    assert.equal(layer.getClassName(), 'Conv1D');
    assert.ok(layer instanceof WindowConv1D);
    assert.deepEqual(layer.getConfig(), model.getLayer('conv').getConfig());
    const x = tf.tensor3d(numbers(12, 3), [2, 2, 3]);
    assert.deepEqual((loaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync());
  });
});
