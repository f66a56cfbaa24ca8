/** The blend's arithmetic, pinned on numbers worked by hand (src/model/blend.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Blend,
  blendProbabilities,
  blendProblem,
  FLOOR,
  groupMeans,
  logisticOfGroups,
} from '../../src/model/blend.ts';

const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-6) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < tol, `[${i}] ${actual[i]} ≠ ${e}`));
};

describe('blend arithmetic', () => {
  // Two rows, three classes, two members.
  const a = Float32Array.from([0.5, 0.3, 0.2, 0.1, 0.1, 0.8]);
  const b = Float32Array.from([0.2, 0.2, 0.6, 0, 0.5, 0.5]);

  it('linear: each row the weighted mean of the members, renormalised', () => {
    const out = blendProbabilities([a, b], 3, { method: 'linear', weights: [0.25, 0.75] });
    close(out, [0.275, 0.225, 0.5, 0.025, 0.4, 0.575]);
  });

  it('log-linear: the weighted geometric mean renormalised, a zero floored at FLOOR, not a veto', () => {
    const out = blendProbabilities([a, b], 3, { method: 'log-linear', weights: [0.5, 0.5] });
    const row = (p: number[], q: number[]) => {
      const g = p.map((x, j) => Math.sqrt(Math.max(x, FLOOR) * Math.max(q[j], FLOOR)));
      const s = g.reduce((x, y) => x + y, 0);
      return g.map((x) => x / s);
    };
    close(out, [...row([0.5, 0.3, 0.2], [0.2, 0.2, 0.6]), ...row([0.1, 0.1, 0.8], [0, 0.5, 0.5])]);
    assert.ok(out[3] > 0, 'the floored zero leaves the class a chance');
  });

  it('a member of weight 0 changes nothing, even when its answers are extreme', () => {
    const wild = Float32Array.from([1, 0, 0, 1, 0, 0]);
    for (const method of ['linear', 'log-linear'] as const)
      close(blendProbabilities([a, wild], 3, { method, weights: [1, 0] }), Array.from(a));
  });

  it('groupMeans: each group the mean of its members by their share of its weight; a group of weight 0 is zeros', () => {
    const c = Float32Array.from([0.1, 0.1, 0.8, 0.3, 0.3, 0.4]);
    const [g0, g1] = groupMeans([a, b, c], [0.2, 0.6, 0.2], [0, 0, 1]);
    close(
      g0,
      Array.from(a, (x, i) => 0.25 * x + 0.75 * b[i]),
    );
    close(g1, Array.from(c));
    const [, none] = groupMeans([a, b], [1, 0], [0, 1]);
    close(none, [0, 0, 0, 0, 0, 0]);
  });

  it('logisticOfGroups: softmax(bias + Σ log p · coef) over every group and class', () => {
    const k = 2;
    const g0 = Float32Array.from([0.9, 0.1]);
    const g1 = Float32Array.from([0.4, 0]);
    // coef[(g·k + j)·k + c]
    // Small enough that the answer is not saturated (a wrong index must show).
    const coef = [1, -1, 0.5, 0.2, -0.3, 0.7, 0.05, -0.02];
    const bias = [0.1, -0.2];
    const x = [Math.log(0.9), Math.log(0.1), Math.log(0.4), Math.log(FLOOR)];
    const z = bias.map((b0, c) => b0 + x.reduce((s, xi, f) => s + xi * coef[f * k + c], 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e[0] + e[1];
    close(logisticOfGroups([g0, g1], k, { coef, bias }), [e[0] / total, e[1] / total], 1e-6);
  });

  it('logistic: the members averaged by group, then the regression; without one, an error', () => {
    const blend: Blend = {
      method: 'logistic',
      weights: [0.5, 0.5],
      logistic: { groups: [0, 0], coef: [1, 0, 0, 0, 1, 0, 0, 0, 1], bias: [0, 0, 0] },
    };
    // coef the identity: softmax(log mean) = the mean itself.
    close(
      blendProbabilities([a, b], 3, blend),
      Array.from(a, (x, i) => 0.5 * x + 0.5 * b[i]),
      1e-5,
    );
    assert.throws(() => blendProbabilities([a, b], 3, { method: 'logistic', weights: [0.5, 0.5] }), /regression/);
  });
});

describe('a stored blend checked against its members', () => {
  const ok: Blend = {
    method: 'logistic',
    weights: [0.5, 0.5],
    logistic: { groups: [0, 1], coef: new Array(2 * 2 * 2).fill(0), bias: [0, 0] },
  };
  it('takes a blend that fits', () => {
    assert.equal(blendProblem(ok, 2), null);
    assert.equal(blendProblem({ method: 'linear', weights: [0.3, 0.7] }, 2), null);
    assert.equal(blendProblem({ method: 'log-linear', weights: [1, 0] }, 2), null);
  });
  it('names what is wrong, one thing at a time', () => {
    const cases: [unknown, RegExp][] = [
      [null, /method must be one of/],
      [{ method: 'mean', weights: [0.5, 0.5] }, /method must be one of/],
      [{ method: 'linear', weights: [1] }, /2 numbers ≥ 0/],
      [{ method: 'linear', weights: [1.5, -0.5] }, /2 numbers ≥ 0/],
      [{ method: 'linear', weights: [0.5, Number.NaN] }, /2 numbers ≥ 0/],
      [{ method: 'linear', weights: [0.5, 0.6] }, /sum to 1/],
      [{ ...ok, logistic: { ...ok.logistic, groups: [0] } }, /groups must give each of the 2 members/],
      [{ ...ok, logistic: { ...ok.logistic, groups: [0, 0.5] } }, /groups must give/],
      [{ ...ok, logistic: { ...ok.logistic, groups: [0, -1] } }, /groups must give/],
      [{ ...ok, logistic: { ...ok.logistic, bias: [0] } }, /bias must give one number per class/],
      [
        { ...ok, logistic: { ...ok.logistic, coef: [0, 0, 0] } },
        /coef must hold 8 numbers \(2 groups × 2 classes × 2 classes\)/,
      ],
      [{ ...ok, logistic: undefined }, /groups must give/],
      [{ ...ok, logistic: { ...ok.logistic, coef: [0, 0, 0, Number.NaN, 0, 0, 0, 0] } }, /coef must hold 8 numbers/],
      [{ ...ok, logistic: { ...ok.logistic, bias: [0, Number.POSITIVE_INFINITY] } }, /bias must give/],
    ];
    for (const [blend, words] of cases) assert.match(blendProblem(blend, 2) ?? 'null', words, JSON.stringify(blend));
  });
});
