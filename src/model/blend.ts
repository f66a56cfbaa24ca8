/**
 * How an ensemble's members make one answer. `log-linear`: a weighted geometric mean of the members'
 * probabilities, renormalised (weighted log-probabilities added, a product of experts); `linear`: a
 * weighted arithmetic mean. The weights, one per member, sum to 1. `logistic`: the members are
 * averaged within their group (a kind's fold models) by their weights, and a multinomial logistic
 * regression over every group's log-probabilities gives the answer (a stacker).
 */
import { softmaxInPlace } from './ngram/softmax.ts';

export const BLEND_METHODS = ['log-linear', 'linear', 'logistic'] as const;
export type BlendMethod = (typeof BLEND_METHODS)[number];

export interface Blend {
  method: BlendMethod;
  weights: number[];
  /** With `logistic`: the regression. */
  logistic?: LogisticStack;
}

export interface LogisticStack {
  /** Each member's group (0-based), in member order. */
  groups: number[];
  /** Row-major [groups · classes, classes]: group g's log-probability of class c is feature g·classes + c. */
  coef: number[];
  /** One per class. */
  bias: number[];
}

/** Log-probabilities are floored here, so a member's zero cannot veto a class outright. */
export const FLOOR = 1e-7;

/** The blended probabilities of `outputs` (each row-major [rows, k], one per member). */
export function blendProbabilities(outputs: ReadonlyArray<Float32Array>, k: number, blend: Blend): Float32Array {
  if (blend.method === 'logistic') {
    if (!blend.logistic) throw new Error('a logistic blend without its regression');
    return logisticProbabilities(outputs, k, blend.weights, blend.logistic);
  }
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

/** Each group's weighted mean of its members' probabilities, row-major [rows, k] per group. */
export function groupMeans(
  outputs: ReadonlyArray<Float32Array>,
  weights: ReadonlyArray<number>,
  groups: ReadonlyArray<number>,
): Float32Array[] {
  const count = Math.max(...groups) + 1;
  const totals = new Float64Array(count);
  groups.forEach((g, m) => (totals[g] += weights[m]));
  const means = Array.from({ length: count }, () => new Float32Array(outputs[0].length));
  outputs.forEach((p, m) => {
    const g = groups[m];
    const w = totals[g] > 0 ? weights[m] / totals[g] : 0;
    const into = means[g];
    for (let i = 0; i < p.length; i++) into[i] += w * p[i];
  });
  return means;
}

/** softmax(features · coef + bias), the features being every group's floored log-probabilities. */
export function logisticOfGroups(
  groupProbs: ReadonlyArray<Float32Array>,
  k: number,
  s: Pick<LogisticStack, 'coef' | 'bias'>,
): Float32Array {
  const rows = groupProbs[0].length / k;
  const out = new Float32Array(rows * k);
  const z = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < k; c++) z[c] = s.bias[c];
    groupProbs.forEach((p, g) => {
      for (let j = 0; j < k; j++) {
        const x = Math.log(Math.max(p[r * k + j], FLOOR));
        const at = (g * k + j) * k;
        for (let c = 0; c < k; c++) z[c] += x * s.coef[at + c];
      }
    });
    softmaxInPlace(z);
    for (let c = 0; c < k; c++) out[r * k + c] = z[c];
  }
  return out;
}

function logisticProbabilities(
  outputs: ReadonlyArray<Float32Array>,
  k: number,
  weights: ReadonlyArray<number>,
  s: LogisticStack,
): Float32Array {
  return logisticOfGroups(groupMeans(outputs, weights, s.groups), k, s);
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
  if (o.method === 'logistic') return logisticProblem(o.logistic, members);
  return null;
}

function logisticProblem(l: unknown, members: number): string | null {
  const o = (l ?? {}) as Record<string, unknown>;
  const numbers = (v: unknown): v is number[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!numbers(o.groups) || o.groups.length !== members || !o.groups.every((g) => Number.isInteger(g) && g >= 0))
    return `blend.logistic.groups must give each of the ${members} members a group (0, 1, …)`;
  const count = Math.max(...o.groups) + 1;
  if (!numbers(o.bias) || o.bias.length < 2) return 'blend.logistic.bias must give one number per class';
  const k = o.bias.length;
  if (!numbers(o.coef) || o.coef.length !== count * k * k)
    return `blend.logistic.coef must hold ${count * k * k} numbers (${count} groups × ${k} classes × ${k} classes)`;
  return null;
}
