/** What the LSTM tests compare against: tfjs-layers' LSTMCell arithmetic, differentiated by tfjs. */
import type { SpeedLayer } from '../../../src/engine/speed-layer.ts';
import assert from 'node:assert/strict';
import * as tf from '../../../src/engine/tf.ts';
import { makeRng } from '../../../src/data/random.ts';
import { FusedLSTM } from '../../../src/model/lstm/layer.ts';
import type { GateActivation } from '../../../src/model/lstm/sequence-op.ts';

export function randomTensors(seed: string) {
  const rng = makeRng(seed);
  const rand = (shape: number[], scale = 1) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng() * 2 - 1) * scale),
      shape,
    );
  /** A dropout mask as tfjs draws one: 0, or 1/(1-rate). */
  const mask = (shape: [number, number], rate: number) =>
    tf.tensor2d(
      Float32Array.from({ length: shape[0] * shape[1] }, () => (rate > 0 && rng() < rate ? 0 : 1 / (1 - rate))),
      shape,
    );
  return { rng, rand, mask };
}

/** a ≈ b within `tol` of b's largest magnitude (at least 1e-3). */
export function close(a: tf.Tensor, b: tf.Tensor, what: string, tol = 1e-4): void {
  assert.deepEqual(a.shape, b.shape, what);
  const x = a.dataSync();
  const y = b.dataSync();
  let scale = 1e-3;
  for (const v of y) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < x.length; i++)
    if (!(Math.abs(x[i] - y[i]) <= tol * scale))
      assert.fail(`${what}[${i}]: ${x[i]} vs ${y[i]} (tolerance ${tol * scale})`);
}

/** tfjs-layers' LSTMCell arithmetic (implementation 2) step by step, differentiated by tfjs' autodiff. */
export function referenceLstm(
  x: tf.Tensor,
  w: tf.Tensor,
  u: tf.Tensor,
  b: tf.Tensor,
  mx: tf.Tensor,
  mh: tf.Tensor,
  act: GateActivation,
  sequences = false,
): tf.Tensor {
  const [batch, steps] = x.shape;
  const units = u.shape[0];
  const gate = (z: tf.Tensor) =>
    act === 'sigmoid' ? tf.sigmoid(z) : tf.clipByValue(tf.add(tf.mul(0.2, z), 0.5), 0, 1);
  let h: tf.Tensor = tf.zeros([batch, units]);
  let c: tf.Tensor = tf.zeros([batch, units]);
  const hs: tf.Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const xt = tf.squeeze(tf.slice(x, [0, t, 0], [-1, 1, -1]), [1]);
    const z = tf.add(tf.add(tf.matMul(tf.mul(xt, mx), w), tf.matMul(tf.mul(h, mh), u)), b);
    const [zi, zf, zg, zo] = tf.split(z, 4, 1);
    c = tf.add(tf.mul(gate(zf), c), tf.mul(gate(zi), tf.tanh(zg)));
    h = tf.mul(gate(zo), tf.tanh(c));
    hs.push(h);
  }
  return sequences ? tf.stack(hs, 1) : h;
}

type Layer = ReturnType<typeof tf.layers.lstm>;

/** tfjs' LSTM layer and ours, built on `x` with the same weights. */
export function twinLayers(
  units: number,
  x: tf.Tensor,
  names: [string, string],
  opts: {
    returnSequences?: boolean;
    goBackwards?: boolean;
    recurrentActivation?: 'hardSigmoid' | 'sigmoid';
    recurrentDropout?: number;
  } = {},
  speed: SpeedLayer = { native: null },
): { plain: Layer; fused: FusedLSTM } {
  const args = {
    units,
    recurrentActivation: 'hardSigmoid' as const,
    unitForgetBias: true,
    inputShape: x.shape.slice(1),
    ...opts,
  };
  const plain = tf.layers.lstm({ ...args, name: names[0] });
  const fused = new FusedLSTM({ ...args, name: names[1] });
  fused.speed = speed;
  plain.apply(x);
  fused.apply(x);
  fused.setWeights(plain.getWeights());
  return { plain, fused };
}

/** The loss sum(layer(x)·r) in training mode, its gradients by weight, and the sum of its terms' magnitudes. */
export function trainingGradients(
  layer: Layer,
  x: tf.Tensor,
  r: tf.Tensor,
): { value: tf.Scalar; grads: tf.NamedTensorMap; magnitude: number } {
  let magnitude = 0;
  const { value, grads } = tf.variableGrads(
    () => {
      const terms = tf.mul(layer.apply(x, { training: true }) as tf.Tensor, r);
      magnitude = tf.sum(tf.abs(terms)).dataSync()[0];
      return tf.sum(terms);
    },
    layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
  );
  return { value, grads, magnitude };
}

/**
 * The same loss and the same gradients, weight by weight (names differ by the layer's). Outputs of both
 * signs cancel in the loss, so it is compared within 1e-4 of its terms' magnitudes, not of its value.
 */
export function sameGradients(
  got: ReturnType<typeof trainingGradients>,
  want: ReturnType<typeof trainingGradients>,
): void {
  const [a, b] = [got.value.dataSync()[0], want.value.dataSync()[0]];
  assert.ok(
    Math.abs(a - b) <= 1e-4 * Math.max(1e-3, want.magnitude),
    `loss: ${a} vs ${b} (terms' magnitude ${want.magnitude})`,
  );
  const keysWant = Object.keys(want.grads).sort();
  const keysGot = Object.keys(got.grads).sort();
  keysWant.forEach((k, i) => close(got.grads[keysGot[i]], want.grads[k], k));
}

/** The names of the kernels tfjs ran for `f`: which path an LSTM call took shows in them. */
export async function kernelsRun(f: () => tf.TensorContainer): Promise<Set<string>> {
  const info = await tf.profile(f);
  return new Set(info.kernelNames);
}
