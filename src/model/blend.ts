/**
 * How an ensemble's members make one answer. `log-linear`: a weighted geometric mean of the members'
 * probabilities, renormalised (weighted log-probabilities added, a product of experts); `linear`: a
 * weighted arithmetic mean. The weights, one per member, sum to 1.
 */

export const BLEND_METHODS = ['log-linear', 'linear'] as const;
export type BlendMethod = (typeof BLEND_METHODS)[number];

export interface Blend {
  method: BlendMethod;
  weights: number[];
}

/** Log-probabilities are floored here, so a member's zero cannot veto a class outright. */
const FLOOR = 1e-7;

/** The blended probabilities of `outputs` (each row-major [rows, k], one per member). */
export function blendProbabilities(outputs: ReadonlyArray<Float32Array>, k: number, blend: Blend): Float32Array {
  const rows = outputs[0].length / k;
  const out = new Float32Array(rows * k);
  const z = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    z.fill(0);
    outputs.forEach((p, m) => {
      const w = blend.weights[m];
      if (w === 0) return;
      for (let j = 0; j < k; j++)
        z[j] += w * (blend.method === 'linear' ? p[r * k + j] : Math.log(Math.max(p[r * k + j], FLOOR)));
    });
    let sum = 0;
    if (blend.method === 'log-linear') {
      const max = Math.max(...z);
      for (let j = 0; j < k; j++) z[j] = Math.exp(z[j] - max);
    }
    for (let j = 0; j < k; j++) sum += z[j];
    for (let j = 0; j < k; j++) out[r * k + j] = z[j] / sum;
  }
  return out;
}

/** What is wrong with a stored blend for `members` members, or null. */
export function blendProblem(b: unknown, members: number): string | null {
  const o = (b ?? {}) as Record<string, unknown>;
  if (!(BLEND_METHODS as readonly unknown[]).includes(o.method))
    return `blend.method must be one of ${BLEND_METHODS.join(', ')}`;
  const w = o.weights;
  if (
    !Array.isArray(w) ||
    w.length !== members ||
    !w.every((x) => typeof x === 'number' && x >= 0 && Number.isFinite(x))
  )
    return `blend.weights must be ${members} numbers ≥ 0, one per member`;
  if (Math.abs(w.reduce((a: number, x: number) => a + x, 0) - 1) > 1e-6) return 'blend.weights must sum to 1';
  return null;
}
