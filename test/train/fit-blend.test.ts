import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blendProbabilities, blendProblem } from '../../src/model/blend.ts';
import { makeRng } from '../../src/data/random.ts';
import { scoreProbabilities } from '../../src/model/scores.ts';
import { fitBlend } from '../../src/train/fit-blend.ts';

describe('blending members', () => {
  const labels = [0, 1, 1, 0];
  const sharp = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.3, 0.7, 0.6, 0.4]);
  const noise = Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  const wrong = Float32Array.from([0.2, 0.8, 0.7, 0.3, 0.6, 0.4, 0.3, 0.7]);

  it('linear: a weighted mean of the probabilities; log-linear: a renormalised weighted geometric mean', () => {
    const lin = blendProbabilities([sharp, wrong], 2, { method: 'linear', weights: [0.5, 0.5] });
    assert.ok(Math.abs(lin[0] - 0.55) < 1e-6 && Math.abs(lin[1] - 0.45) < 1e-6);
    const geo = blendProbabilities([sharp, wrong], 2, { method: 'log-linear', weights: [0.5, 0.5] });
    const a = Math.sqrt(0.9 * 0.2);
    const b = Math.sqrt(0.1 * 0.8);
    assert.ok(Math.abs(geo[0] - a / (a + b)) < 1e-6);
  });

  it('gives the weight to the member that predicts the rows it is fitted on', () => {
    assert.deepEqual(fitBlend([sharp, noise], labels, 2, 'linear').blend.weights, [1, 0]);
    assert.deepEqual(fitBlend([noise, sharp], labels, 2, 'linear').blend.weights, [0, 1]);
    // Fitted on other rows (where the wrong member is right), it weighs the other way.
    assert.deepEqual(fitBlend([sharp, wrong], [1, 0, 0, 1], 2, 'linear').blend.weights, [0, 1]);
  });

  it('puts three members on the simplex, weights summing to 1', () => {
    const { blend } = fitBlend([sharp, noise, wrong], labels, 2, 'log-linear');
    assert.equal(blend.weights.length, 3);
    assert.ok(Math.abs(blend.weights.reduce((x, y) => x + y, 0) - 1) < 1e-9);
  });

  it('blends every row on its own (log-linear as linear), a member of weight 0 aside', () => {
    const rows = [sharp, wrong].map((p) => Array.from({ length: 4 }, (_, r) => [p[2 * r], p[2 * r + 1]]));
    for (const method of ['linear', 'log-linear'] as const) {
      const out = blendProbabilities([sharp, wrong], 2, { method, weights: [0.3, 0.7] });
      for (let r = 0; r < 4; r++) {
        const [a, b] = rows.map((m) => m[r]);
        const z =
          method === 'linear'
            ? [0.3 * a[0] + 0.7 * b[0], 0.3 * a[1] + 0.7 * b[1]]
            : [a[0] ** 0.3 * b[0] ** 0.7, a[1] ** 0.3 * b[1] ** 0.7];
        assert.ok(
          Math.abs(out[2 * r] - z[0] / (z[0] + z[1])) < 1e-6 && Math.abs(out[2 * r + 1] - z[1] / (z[0] + z[1])) < 1e-6,
          `${method} row ${r}`,
        );
      }
      assert.deepEqual(
        Array.from(
          blendProbabilities([sharp, Float32Array.from([0, 1, 0, 1, 0, 1, 0, 1])], 2, { method, weights: [1, 0] }),
        ),
        Array.from(sharp),
      );
    }
  });

  it('refuses a stored blend that does not fit the members, saying what is wrong', () => {
    const ok = { method: 'linear', weights: [0.25, 0.75] };
    assert.equal(blendProblem(ok, 2), null);
    assert.equal(blendProblem({ method: 'log-linear', weights: [0, 1] }, 2), null);
    const cases: [unknown, RegExp][] = [
      [null, /blend\.method must be one of log-linear, linear/],
      [{ ...ok, method: 'mean' }, /blend\.method/],
      [{ ...ok, weights: 'half' }, /blend\.weights must be 2 numbers/],
      [{ ...ok, weights: [1] }, /blend\.weights must be 2 numbers/],
      [{ ...ok, weights: [0.5, 0.25, 0.25] }, /blend\.weights must be 2 numbers/],
      [{ ...ok, weights: ['0.5', 0.5] }, /must be 2 numbers/],
      [{ ...ok, weights: [1.5, -0.5] }, /must be 2 numbers ≥ 0/],
      [{ ...ok, weights: [Number.NaN, 1] }, /must be 2 numbers/],
      [{ ...ok, weights: [Infinity, 0] }, /must be 2 numbers/],
      [{ ...ok, weights: [0.5, 0.4] }, /must sum to 1/],
      [{ ...ok, weights: [0.6, 0.6] }, /must sum to 1/],
      [{ ...ok, weights: [0, 0] }, /must sum to 1/],
    ];
    for (const [blend, message] of cases)
      assert.match(blendProblem(blend, 2) ?? 'null', message, JSON.stringify(blend));
    assert.equal(blendProblem({ ...ok, weights: [0.5, 0.5 + 1e-7] }, 2), null, 'rounding is no error');
  });

  it('picks, of every grid point, the weights whose blend scores the lowest loss (found here the long way)', () => {
    // Two members each right on other rows, so the best blend lies inside the simplex, not at a corner.
    const rng = makeRng('fit-blend-grid');
    const rows = 60;
    const k = 3;
    const truth = Int32Array.from({ length: rows }, () => Math.floor(rng() * k));
    const member = (goodOn: (r: number) => boolean) =>
      Float32Array.from({ length: rows * k }, (_, i) => {
        const r = Math.floor(i / k);
        const right = i % k === truth[r];
        return goodOn(r) ? (right ? 0.7 : 0.15) : right ? 0.2 : 0.4;
      });
    const a = member((r) => r % 3 !== 0);
    const b = member((r) => r % 2 === 0);
    for (const method of ['linear', 'log-linear'] as const) {
      let best = { w: -1, loss: Infinity };
      for (let u = 0; u <= 20; u++) {
        const weights = [u / 20, 1 - u / 20];
        const { loss } = scoreProbabilities(blendProbabilities([a, b], k, { method, weights }), k, truth);
        if (loss < best.loss - 1e-12) best = { w: u / 20, loss };
      }
      assert.ok(best.w > 0 && best.w < 1, `${method}: an interior optimum (${best.w})`);
      const fitted = fitBlend([a, b], truth, k, method);
      assert.ok(
        Math.abs(fitted.blend.weights[0] - best.w) < 1e-9,
        `${method}: ${fitted.blend.weights[0]} vs ${best.w}`,
      );
      assert.ok(Math.abs(fitted.scores.loss - best.loss) < 1e-6, method);
    }
  });

  it('among equal blends, keeps the first grid point (the same members give the same weights every run)', () => {
    for (const method of ['linear', 'log-linear'] as const)
      assert.deepEqual(fitBlend([sharp, sharp], labels, 2, method).blend.weights, [0, 1]);
  });
});
