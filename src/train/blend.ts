/**
 * Chooses an ensemble's blend on the validation rows: the weights, on a grid over the simplex (steps
 * of 0.05), that give the validation rows the lowest cross-entropy. The loss rather than accuracy:
 * it is smooth, so a few thousand rows pin the weights down without chasing single rows.
 */
import { blendProbabilities, type Blend, type BlendMethod } from '../model/blend.ts';
import { scoreProbabilities, type Scores } from '../model/scores.ts';

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
  method: BlendMethod,
): { blend: Blend; scores: Scores } {
  let best: { blend: Blend; scores: Scores } | null = null;
  for (const weights of simplex(outputs.length)) {
    const blend = { method, weights };
    const scores = scoreProbabilities(blendProbabilities(outputs, k, blend), k, labels);
    if (best === null || scores.loss < best.scores.loss) best = { blend, scores };
  }
  return best as { blend: Blend; scores: Scores };
}
