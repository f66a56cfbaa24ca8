import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blendProbabilities } from '../../src/model/blend.ts';
import { fitBlend } from '../../src/train/blend.ts';

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
});
