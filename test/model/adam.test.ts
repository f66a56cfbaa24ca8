import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { makeRng } from '../../src/data/random.ts';
import { initEngine, startEngine } from '../../src/engine/engine.ts';
import { FusedAdam } from '../../src/model/adam.ts';
import { needAddon } from '../helpers.ts';

const hex = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer).toString('hex');

/** Values and moments after `steps` steps of `optimizer` on variables of `shapes`, as bytes. */
async function train(optimizer: tf.Optimizer, shapes: number[][], steps: number): Promise<string[]> {
  const rng = makeRng('adam-test');
  const vars = shapes.map((s, i) =>
    tf.variable(
      tf.tensor(
        Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1),
        s,
      ),
      true,
      `adam_test_${i}_${optimizer.constructor.name}`,
    ),
  );
  try {
    for (let step = 0; step < steps; step++) {
      const grads: Record<string, tf.Tensor> = {};
      // Some gradients exactly zero, as an embedding's rows that a batch does not use.
      for (const v of vars)
        grads[v.name] = tf.tensor(
          Float32Array.from({ length: v.size }, () =>
            rng() < 0.3 ? 0 : (rng() * 2 - 1) * 10 ** Math.floor(rng() * 6 - 3),
          ),
          v.shape,
        );
      optimizer.applyGradients(grads);
      tf.dispose(Object.values(grads));
    }
    const moments = (await optimizer.getWeights()).slice(1).map((w) => hex(w.tensor));
    return [...vars.map(hex), ...moments];
  } finally {
    tf.dispose(vars);
  }
}

describe('Adam in one pass (blas engine)', () => {
  it("gives tfjs' Adam to the bit: values and both moments, small variables and one large enough to be split across threads", async (t) => {
    if (!needAddon(t)) return;
    const native = (await startEngine('blas')).speed?.native;
    try {
      assert.ok(native);
      const shapes = [[3], [256, 1024], [1100, 300]];
      const expected = await train(new tf.AdamOptimizer(0.001, 0.9, 0.999, 1e-7), shapes, 4);
      const actual = await train(new FusedAdam(native, 0.001, 0.9, 0.999, 1e-7), shapes, 4);
      assert.equal(actual.length, expected.length);
      actual.forEach((a, i) => assert.ok(a === expected[i], `weight ${i} differs`));
    } finally {
      await initEngine('wasm');
    }
  });
});
