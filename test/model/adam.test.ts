import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { makeRng } from '../../src/data/random.ts';
import { initEngine, startEngine } from '../../src/engine/engine.ts';
import type { FusedLstmAddon } from '../../src/engine/native-addon.ts';
import { FusedAdam } from '../../src/model/adam.ts';
import { needAddon } from '../helpers.ts';

const hex = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer).toString('hex');

interface Sparse {
  /** Each step's gradient touches only this many rows of a 2-D variable (an embedding's batch of words). */
  rowsPerStep: number;
  /** Before this step a clone of the variables is held for the step (as a kept copy of the weights would). */
  cloneAt?: number;
}

/** Values and moments after `steps` steps of `optimizer` on variables of `shapes`, as bytes. */
async function train(optimizer: tf.Optimizer, shapes: number[][], steps: number, sparse?: Sparse): Promise<string[]> {
  const rng = makeRng('adam-test');
  // Made as layers make theirs: the initial tensor disposed, the variable alone holding its memory.
  const vars = shapes.map((s, i) =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor(
          Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1),
          s,
        ),
        true,
        `adam_test_${i}_${optimizer.constructor.name}`,
      ),
    ),
  );
  try {
    for (let step = 0; step < steps; step++) {
      const grads: Record<string, tf.Tensor> = {};
      // Some gradients exactly zero, as an embedding's rows that a batch does not use.
      for (const v of vars) {
        const g = Float32Array.from({ length: v.size }, () =>
          rng() < 0.3 ? 0 : (rng() * 2 - 1) * 10 ** Math.floor(rng() * 6 - 3),
        );
        if (sparse && v.rank === 2) {
          // Rows 0..9 always, a few others at random, the rest zero (many never touched at all).
          const [rows, width] = v.shape;
          const keep = new Uint8Array(rows);
          keep.fill(1, 0, 10);
          for (let i = 0; i < sparse.rowsPerStep; i++) keep[Math.floor(rng() * rows)] = 1;
          for (let r = 0; r < rows; r++) if (!keep[r]) g.fill(0, r * width, r * width + width);
          // A row of negative zeros is no gradient either.
          g.fill(-0, 20 * width, 21 * width);
        }
        grads[v.name] = tf.tensor(g, v.shape);
      }
      const held = sparse?.cloneAt === step ? vars.map((v) => tf.clone(v)) : [];
      const before = held.map(hex);
      optimizer.applyGradients(grads);
      // A clone shares the variable's memory: an update in place would have changed it.
      held.forEach((c, i) => assert.equal(hex(c), before[i], `the clone of variable ${i} changed`));
      tf.dispose([...Object.values(grads), ...held]);
    }
    const moments = (await optimizer.getWeights()).slice(1).map((w) => hex(w.tensor));
    return [...vars.map(hex), ...moments];
  } finally {
    tf.dispose(vars);
  }
}

/** The addon, counting its updates in place (it must have them). */
function countingInPlace(native: FusedLstmAddon): FusedLstmAddon & { calls: number } {
  const adamRows = native.adamRows;
  assert.ok(adamRows, 'the addon has the update in place');
  const counting = {
    ...native,
    calls: 0,
    adamRows: (a: Parameters<typeof adamRows>[0]) => {
      counting.calls++;
      adamRows(a);
    },
  };
  return counting;
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

  it("updates a large variable with a sparse gradient (an embedding) in place, rows never touched skipped, still tfjs' Adam to the bit", async (t) => {
    if (!needAddon(t)) return;
    const native = (await startEngine('blas')).speed?.native;
    try {
      assert.ok(native);
      const counting = countingInPlace(native);
      const shapes = [[3], [4000, 100]];
      for (const sparse of [{ rowsPerStep: 30 }, { rowsPerStep: 30, cloneAt: 2 }]) {
        counting.calls = 0;
        const expected = await train(new tf.AdamOptimizer(0.002, 0.9, 0.999, 1e-7), shapes, 6, sparse);
        const actual = await train(new FusedAdam(counting, 0.002, 0.9, 0.999, 1e-7), shapes, 6, sparse);
        actual.forEach((a, i) => assert.ok(a === expected[i], `weight ${i} differs (${JSON.stringify(sparse)})`));
        // Every step of the large variable in place, but the one a clone shared its memory.
        assert.equal(counting.calls, sparse.cloneAt === undefined ? 6 : 5);
      }
    } finally {
      await initEngine('wasm');
    }
  });

  it('takes up moments restored into a new optimizer: rows with any moment are updated though their gradient is zero', async (t) => {
    if (!needAddon(t)) return;
    const native = (await startEngine('blas')).speed?.native;
    try {
      assert.ok(native);
      const counting = countingInPlace(native);
      const shape = [3000, 100];
      const run = async (make: () => tf.Optimizer) => {
        const first = make();
        const rng = makeRng('adam-resume');
        const x = tf.tidy(() =>
          tf.variable(
            tf.tensor(
              Float32Array.from({ length: 300_000 }, () => rng() - 0.5),
              shape,
            ),
            true,
            `adam_resume_${first.constructor.name}`,
          ),
        );
        const grad = (rows: number[]): Record<string, tf.Tensor> => {
          const g = new Float32Array(300_000);
          for (const r of rows) for (let j = 0; j < 100; j++) g[r * 100 + j] = rng() - 0.5;
          return { [x.name]: tf.tensor(g, shape) };
        };
        let g = grad([1, 2, 3]);
        first.applyGradients(g);
        tf.dispose(Object.values(g));
        // A resume: a new optimizer given the saved iterations and moments, then a step that leaves rows 1–3 at zero gradient.
        const second = make();
        // As a checkpoint restores them: fresh tensors of the saved values, disposed once set.
        const saved = (await first.getWeights()).map((w) => ({
          name: w.name,
          tensor: tf.tensor(w.tensor.dataSync(), w.tensor.shape),
        }));
        await second.setWeights(saved);
        tf.dispose(saved.map((w) => w.tensor));
        g = grad([7]);
        second.applyGradients(g);
        tf.dispose(Object.values(g));
        const out = [hex(x), ...(await second.getWeights()).slice(1).map((w) => hex(w.tensor))];
        tf.dispose([x]);
        return out;
      };
      const expected = await run(() => new tf.AdamOptimizer(0.002, 0.9, 0.999, 1e-7));
      const actual = await run(() => new FusedAdam(counting, 0.002, 0.9, 0.999, 1e-7));
      actual.forEach((a, i) => assert.ok(a === expected[i], `weight ${i} differs`));
      assert.equal(counting.calls, 2, 'both steps in place');
    } finally {
      await initEngine('wasm');
    }
  });
});
