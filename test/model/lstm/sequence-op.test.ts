import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '../../../src/engine/tf.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { lstmSequence } from '../../../src/model/lstm/sequence-op.ts';
import {
  close,
  kernelsRun,
  randomTensors,
  referenceLstm,
  sameGradients,
  trainingGradients,
  twinLayers,
} from './reference.ts';

const { rng, rand } = randomTensors('fused-lstm');

describe('the sequence-level LSTM', () => {
  before(async () => {
    await initEngine('wasm');
  });

  for (const [act, engine] of [
    ['hardSigmoid', 'wasm'],
    ['sigmoid', 'wasm'],
    ['hardSigmoid', 'cpu'],
    ['sigmoid', 'cpu'],
  ] as const) {
    it(`output and every gradient equal tfjs' step-by-step LSTM, with dropout masks (${act}, ${engine})`, async () => {
      await initEngine(engine);
      for (const [batch, steps, features, units] of [
        [1, 1, 1, 1],
        [3, 5, 4, 2],
        [5, 7, 3, 6],
        [2, 12, 8, 4],
      ]) {
        const x = rand([batch, steps, features], 2);
        const w = rand([features, 4 * units]);
        const u = rand([units, 4 * units]);
        const b = rand([4 * units], 0.5);
        const mx = tf.tensor2d(
          Float32Array.from({ length: batch * features }, () => (rng() < 0.3 ? 0 : 1 / 0.7)),
          [batch, features],
        );
        const mh = tf.tensor2d(
          Float32Array.from({ length: batch * units }, () => (rng() < 0.3 ? 0 : 1 / 0.7)),
          [batch, units],
        );
        const r = rand([batch, units]);
        const loss =
          (f: (...t: tf.Tensor[]) => tf.Tensor) => (xs: tf.Tensor, ws: tf.Tensor, us: tf.Tensor, bs: tf.Tensor) =>
            tf.sum(tf.mul(f(xs, ws, us, bs), r));
        const fused = loss((xs, ws, us, bs) =>
          lstmSequence(
            {
              x: xs as tf.Tensor3D,
              kernel: ws as tf.Tensor2D,
              recurrentKernel: us as tf.Tensor2D,
              bias: bs as tf.Tensor1D,
              inputMask: mx,
              recurrentMask: mh,
            },
            act,
          ),
        );
        const ref = loss((xs, ws, us, bs) => referenceLstm(xs, ws, us, bs, mx, mh, act));
        const what = `${act} ${batch}x${steps}x${features}, ${units} units`;
        close(fused(x, w, u, b), ref(x, w, u, b), `${what} loss`);
        const gf = tf.grads(fused)([x, w, u, b]);
        const gr = tf.grads(ref)([x, w, u, b]);
        ['input', 'kernel', 'recurrent kernel', 'bias'].forEach((name, i) => close(gf[i], gr[i], `${what} d${name}`));
      }
      await initEngine('wasm');
    });
  }

  for (const engine of ['wasm', 'cpu'] as const) {
    it(`every step's output (returnSequences) and every gradient equal tfjs' step-by-step LSTM (${engine})`, async () => {
      await initEngine(engine);
      for (const [batch, steps, features, units] of [
        [1, 1, 2, 1],
        [3, 5, 4, 2],
        [2, 9, 3, 5],
      ]) {
        const x = rand([batch, steps, features], 2);
        const w = rand([features, 4 * units]);
        const u = rand([units, 4 * units]);
        const b = rand([4 * units], 0.5);
        const mx = tf.tensor2d(
          Float32Array.from({ length: batch * features }, () => (rng() < 0.3 ? 0 : 1 / 0.7)),
          [batch, features],
        );
        const mh = tf.tensor2d(
          Float32Array.from({ length: batch * units }, () => (rng() < 0.3 ? 0 : 1 / 0.7)),
          [batch, units],
        );
        const r = rand([batch, steps, units]);
        const loss =
          (f: (...t: tf.Tensor[]) => tf.Tensor) => (xs: tf.Tensor, ws: tf.Tensor, us: tf.Tensor, bs: tf.Tensor) =>
            tf.sum(tf.mul(f(xs, ws, us, bs), r));
        const fused = loss((xs, ws, us, bs) =>
          lstmSequence(
            {
              x: xs as tf.Tensor3D,
              kernel: ws as tf.Tensor2D,
              recurrentKernel: us as tf.Tensor2D,
              bias: bs as tf.Tensor1D,
              inputMask: mx,
              recurrentMask: mh,
            },
            'sigmoid',
            true,
          ),
        );
        const ref = loss((xs, ws, us, bs) => referenceLstm(xs, ws, us, bs, mx, mh, 'sigmoid', true));
        const what = `${batch}x${steps}x${features}, ${units} units`;
        close(fused(x, w, u, b), ref(x, w, u, b), `${what} loss`);
        const gf = tf.grads(fused)([x, w, u, b]);
        const gr = tf.grads(ref)([x, w, u, b]);
        ['input', 'kernel', 'recurrent kernel', 'bias'].forEach((name, i) => close(gf[i], gr[i], `${what} d${name}`));
      }
      await initEngine('wasm');
    });
  }

  for (const opts of [{ returnSequences: true }, { goBackwards: true }, { returnSequences: true, goBackwards: true }]) {
    it(`as a layer with ${JSON.stringify(opts)}: the same outputs and training gradients as tfjs' LSTM, through the sequence-level op`, async () => {
      const x = rand([3, 6, 2]);
      const { plain, fused } = twinLayers(4, x, ['plain_s', 'fused_s'], opts);
      close(fused.apply(x) as tf.Tensor, plain.apply(x) as tf.Tensor, 'inference');
      const r = rand(opts.returnSequences ? [3, 6, 4] : [3, 4]);
      sameGradients(trainingGradients(fused, x, r), trainingGradients(plain, x, r));
      assert.ok(
        !(await kernelsRun(() => trainingGradients(fused, x, r).value)).has('Unpack'),
        'training took the sequence-level op',
      );
    });
  }

  it("as a layer: the same class name, config and weights as tfjs' LSTM; the same training gradients without dropout", async () => {
    const x = rand([2, 4, 2]);
    const { plain, fused } = twinLayers(3, x, ['plain', 'fused']);
    assert.equal(fused.getClassName(), 'LSTM');
    const { name: _a, ...plainConfig } = plain.getConfig();
    const { name: _b, ...fusedConfig } = fused.getConfig();
    assert.deepEqual(fusedConfig, plainConfig);
    assert.deepEqual(
      fused.weights.map((w) => w.name.replace('fused', 'plain')),
      plain.weights.map((w) => w.name),
    );
    const r = rand([2, 3]);
    const want = trainingGradients(plain, x, r);
    const got = trainingGradients(fused, x, r);
    sameGradients(got, want);
    // tfjs' LSTM steps through the sequence with Unpack; the sequence-level op never does.
    assert.ok((await kernelsRun(() => trainingGradients(plain, x, r).value)).has('Unpack'));
    assert.ok(
      !(await kernelsRun(() => trainingGradients(fused, x, r).value)).has('Unpack'),
      'training took the sequence-level op',
    );
    assert.ok(
      (await kernelsRun(() => fused.apply(x) as tf.Tensor)).has('Unpack'),
      "inference without the native kernel takes tfjs' path",
    );
  });
});
