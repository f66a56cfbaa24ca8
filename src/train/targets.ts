/**
 * What a training step aims at, row by row: the one-hot label, smoothed (Keras' label_smoothing), or
 * mixed with a teacher's probabilities (distillation: Hinton, Vinyals and Dean 2015).
 */
import { type Batch, oneHotBatch } from '../data/batches.ts';
import { SettingError } from '../errors.ts';

/** A teacher's answers as training targets. */
export interface SoftTargets {
  /** Row-major [rows, classes]: the teacher's probabilities of every row of the data (training rows are read). */
  probabilities: Float32Array;
  /** The teacher's share of each target (0 … 1): weight · teacher + (1 − weight) · one-hot. */
  weight: number;
  /** The teacher's probabilities raised to 1/temperature and renormalised: above 1 flattens, below 1 sharpens. */
  temperature: number;
}

/**
 * [rows, classes] targets of `batch`: one-hot, mixed with `soft`'s softened probabilities, then
 * smoothed towards uniform by `smoothing`. The categorical cross-entropy against a mix is the same mix
 * of the cross-entropies against each part.
 */
export function batchTargets(
  labels: ArrayLike<number>,
  batch: Batch,
  numClasses: number,
  smoothing = 0,
  soft?: SoftTargets,
): Float32Array {
  const y = oneHotBatch(labels, batch, numClasses);
  const k = numClasses;
  if (soft && soft.weight > 0) {
    const logs = new Float64Array(k);
    batch.rows.forEach((r, i) => {
      // In logs, shifted by the largest: a probability of 1e-30 raised to 1/T neither underflows nor wins.
      let max = -Infinity;
      for (let j = 0; j < k; j++) {
        logs[j] = Math.log(Math.max(soft.probabilities[r * k + j], 1e-30)) / soft.temperature;
        if (logs[j] > max) max = logs[j];
      }
      let sum = 0;
      for (let j = 0; j < k; j++) sum += logs[j] = Math.exp(logs[j] - max);
      for (let j = 0; j < k; j++) y[i * k + j] = soft.weight * (logs[j] / sum) + (1 - soft.weight) * y[i * k + j];
    });
  }
  if (smoothing > 0) for (let i = 0; i < y.length; i++) y[i] = y[i] * (1 - smoothing) + smoothing / k;
  return y;
}

/** A teacher's answers that `rows` rows of `numClasses` classes can train on: a SettingError naming what cannot. */
export function checkSoftTargets(soft: SoftTargets, rows: number, numClasses: number): void {
  if (!(soft.weight >= 0 && soft.weight <= 1))
    throw new SettingError('distilWeight', 'must be a number from 0 to 1', { given: soft.weight });
  if (!(soft.temperature > 0 && Number.isFinite(soft.temperature)))
    throw new SettingError('temperature', 'must be a number above 0', { given: soft.temperature });
  if (soft.probabilities.length !== rows * numClasses)
    throw new SettingError('softTargets', `must hold ${rows} rows × ${numClasses} classes of probabilities`, {
      given: soft.probabilities.length,
    });
  for (const p of soft.probabilities)
    if (!(p >= 0 && p <= 1))
      throw new SettingError('softTargets', 'must be probabilities (each from 0 to 1)', { given: p });
}
