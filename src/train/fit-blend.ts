/**
 * Chooses an ensemble's blend on the validation rows: the weights, on a grid over the simplex (steps
 * of 0.05), that give the validation rows the lowest cross-entropy. The loss rather than accuracy:
 * it is smooth, so a few thousand rows pin the weights down without chasing single rows.
 */
import { type Blend, type BlendMethod, blendProbabilities, FLOOR } from '../model/blend.ts';
import { clippedCrossEntropy, type Scores, scoreProbabilities } from '../model/scores.ts';

const STEP = 0.05;

/** Every weight vector of `n` members on the grid. */
function simplex(n: number): number[][] {
  const units = Math.round(1 / STEP);
  const out: number[][] = [];
  const walk = (prefix: number[], left: number) => {
    if (prefix.length === n - 1) {
      out.push([...prefix, left].map((u) => u / units));
      return;
    }
    for (let u = 0; u <= left; u++) walk([...prefix, u], left - u);
  };
  walk([], units);
  return out;
}

export function fitBlend(
  outputs: ReadonlyArray<Float32Array>,
  labels: ArrayLike<number>,
  k: number,
  method: Exclude<BlendMethod, 'logistic'>,
): { blend: Blend; scores: Scores } {
  // Each grid point is a weighted sum of the same inputs: the logarithms are taken once.
  const inputs =
    method === 'log-linear' ? outputs.map((p) => Float32Array.from(p, (x) => Math.log(Math.max(x, FLOOR)))) : outputs;
  let best: { weights: number[]; loss: number } | null = null;
  for (const weights of simplex(outputs.length)) {
    const loss = weightedLoss(inputs, weights, method, k, labels);
    if (best === null || loss < best.loss) best = { weights, loss };
  }
  const blend = { method, weights: (best as { weights: number[] }).weights };
  return { blend, scores: scoreProbabilities(blendProbabilities(outputs, k, blend), k, labels) };
}

/** The mean cross-entropy of a weighted sum of `inputs` (probabilities, or log-probabilities for log-linear). */
function weightedLoss(
  inputs: ReadonlyArray<Float32Array>,
  weights: number[],
  method: Exclude<BlendMethod, 'logistic'>,
  k: number,
  labels: ArrayLike<number>,
): number {
  const z = new Float64Array(k);
  let sum = 0;
  for (let r = 0; r < labels.length; r++) {
    z.fill(0);
    for (let m = 0; m < inputs.length; m++) {
      const w = weights[m];
      if (w === 0) continue;
      const p = inputs[m];
      for (let j = 0; j < k; j++) z[j] += w * p[r * k + j];
    }
    let total = 0;
    let pTrue: number;
    if (method === 'log-linear') {
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, z[j]);
      for (let j = 0; j < k; j++) total += Math.exp(z[j] - max);
      pTrue = Math.exp(z[labels[r]] - max) / total;
    } else {
      for (let j = 0; j < k; j++) total += z[j];
      pTrue = z[labels[r]] / total;
    }
    sum += clippedCrossEntropy(pTrue);
  }
  return sum / labels.length;
}
