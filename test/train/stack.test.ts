/** Out-of-fold stacking: rows gathered fold by fold, blends scored on folds they were not fitted on, the logistic stacker. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blendProbabilities, blendProblem } from '../../src/model/blend.ts';
import { scoreProbabilities } from '../../src/model/scores.ts';
import { OutOfFold } from '../../src/train/out-of-fold.ts';
import { fitLogistic, fitMethod, fitStack, meanSd, pickRows, rowsByFold } from '../../src/train/stack.ts';

/** Two-class rows whose member is right but timid: it gives the true class 0.45 when the truth is class 1. */
function timidMember(labels: number[]): Float32Array {
  const p = new Float32Array(labels.length * 2);
  labels.forEach((y, r) => {
    const p1 = y === 1 ? 0.45 : 0.2;
    p[2 * r] = 1 - p1;
    p[2 * r + 1] = p1;
  });
  return p;
}

describe('out-of-fold rows', () => {
  it("gathers each fold's held-out answers in row order and remembers the fold", () => {
    const oof = new OutOfFold(4, 2);
    oof.add(1, Int32Array.from([1, 3]), [Float32Array.from([0.1, 0.9, 0.3, 0.7])]);
    oof.add(0, Int32Array.from([0, 2]), [Float32Array.from([0.6, 0.4, 0.8, 0.2])]);
    assert.deepEqual(Array.from(oof.foldOf), [0, 1, 0, 1]);
    assert.deepEqual(
      Array.from(oof.probabilities[0], (x) => +x.toFixed(2)),
      [0.6, 0.4, 0.1, 0.9, 0.8, 0.2, 0.3, 0.7],
    );
    assert.deepEqual(
      rowsByFold(oof.foldOf, 2).map((r) => Array.from(r)),
      [
        [0, 2],
        [1, 3],
      ],
    );
    assert.deepEqual(
      Array.from(pickRows(oof.probabilities[0], [3, 0], 2), (x) => +x.toFixed(2)),
      [0.3, 0.7, 0.6, 0.4],
    );
  });

  it('mean and sample sd', () => {
    const { mean, sd } = meanSd([1, 2, 3, 4]);
    assert.equal(mean, 2.5);
    assert.ok(Math.abs(sd - Math.sqrt(5 / 3)) < 1e-12);
  });
});

describe('the logistic stacker', () => {
  const labels = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const timid = timidMember(labels);

  it('learns what a timid member means: right on every row where its argmax is wrong on a third', () => {
    assert.ok(scoreProbabilities(timid, 2, labels).acc < 0.7);
    const fit = fitLogistic([timid], labels, 2);
    const out = blendProbabilities([timid], 2, {
      method: 'logistic',
      weights: [1],
      logistic: { groups: [0], ...fit },
    });
    assert.equal(scoreProbabilities(out, 2, labels).acc, 1);
  });

  it("averages a group's members by their weights before the regression: two copies answer as one", () => {
    const fit = fitLogistic([timid], labels, 2);
    const one = blendProbabilities([timid], 2, { method: 'logistic', weights: [1], logistic: { groups: [0], ...fit } });
    const two = blendProbabilities([timid, timid], 2, {
      method: 'logistic',
      weights: [0.5, 0.5],
      logistic: { groups: [0, 0], ...fit },
    });
    for (let i = 0; i < one.length; i++) assert.ok(Math.abs(one[i] - two[i]) < 1e-6);
  });

  it('is checked when read back: a member per group, coef of groups × classes × classes', () => {
    const good = { groups: [0, 0], coef: [1, 0, 0, 1], bias: [0, 0] };
    assert.equal(blendProblem({ method: 'logistic', weights: [0.5, 0.5], logistic: good }, 2), null);
    assert.match(
      blendProblem({ method: 'logistic', weights: [0.5, 0.5], logistic: { ...good, groups: [0] } }, 2) ?? '',
      /groups/,
    );
    assert.match(
      blendProblem({ method: 'logistic', weights: [0.5, 0.5], logistic: { ...good, coef: [1, 0, 0] } }, 2) ?? '',
      /coef must hold 4 numbers/,
    );
    assert.match(blendProblem({ method: 'logistic', weights: [1] }, 1) ?? '', /groups/);
  });
});

describe('fitting the blend out of fold', () => {
  const rows = 300;
  const labels = Int32Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const foldOf = Int32Array.from({ length: rows }, (_, i) => Math.floor((i * 3) / rows));
  const timid = timidMember(Array.from(labels));
  const noise = Float32Array.from({ length: rows * 2 }, () => 0.5);

  it('scores each fold by a blend fitted on the other folds only, and picks the method by the folds', () => {
    const s = fitStack([timid, noise], labels, foldOf, 3, 2);
    assert.equal(s.folds.length, 3);
    assert.deepEqual(Object.keys(s.methodLoss).sort(), ['linear', 'log-linear', 'logistic']);
    const best = Math.min(...Object.values(s.methodLoss));
    assert.equal(s.methodLoss[s.blend.method], best);
    assert.equal(s.blend.method, 'logistic', 'only the regression can read the timid member');
    // Fold 2 by hand: fitted on folds 0 and 1.
    const held = rowsByFold(foldOf, 3)[2];
    const rest = Int32Array.from(
      rowsByFold(foldOf, 3)
        .slice(0, 2)
        .flatMap((r) => Array.from(r)),
    );
    const blend = fitMethod(
      [timid, noise].map((p) => pickRows(p, rest, 2)),
      Array.from(rest, (r) => labels[r]),
      2,
      'logistic',
    );
    const byHand = scoreProbabilities(
      blendProbabilities(
        [timid, noise].map((p) => pickRows(p, held, 2)),
        2,
        blend,
      ),
      2,
      Array.from(held, (r) => labels[r]),
    );
    assert.equal(s.folds[2].acc, byHand.acc);
    assert.ok(Math.abs(s.folds[2].loss - byHand.loss) < 1e-9);
  });

  it('with one method asked for, tries only that one', () => {
    const s = fitStack([timid, noise], labels, foldOf, 3, 2, ['linear']);
    assert.equal(s.blend.method, 'linear');
    assert.deepEqual(Object.keys(s.methodLoss), ['linear']);
    assert.deepEqual(s.blend.weights, [1, 0]);
  });
});
