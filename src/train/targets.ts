/**
 * What a training step aims at, row by row: the one-hot label, smoothed (Keras' label_smoothing), or
 * mixed with a teacher's probabilities (distillation: Hinton, Vinyals and Dean 2015), and the loss
 * against a teacher at a temperature.
 */
import { type Batch, oneHotBatch } from '../data/batches.ts';
import * as tf from '../engine/tf.ts';
import { SettingError } from '../errors.ts';
import { checkSettings } from '../settings.ts';

/** A teacher's answers as training targets. */
export interface SoftTargets {
  /** Row-major [rows, classes]: the teacher's probabilities of every row of the data (training rows are read). */
  probabilities: Float32Array;
  /** The teacher's share of each target (0 … 1): weight · teacher + (1 − weight) · one-hot. */
  weight: number;
  /**
   * The distillation term's temperature (Hinton et al.): the teacher's probabilities raised to 1/T and
   * renormalised, the student's likewise, their cross-entropy times T². 1: the teacher's as they are.
   */
  temperature: number;
}

/** A loss other than the cross-entropy against one mixed target: a teacher at a temperature other than 1. */
export function isTempered(soft: SoftTargets | undefined): soft is SoftTargets {
  return soft !== undefined && soft.weight > 0 && soft.temperature !== 1;
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
  // The run's own rules for these two (a caller of trainModel meets what a run would).
  checkSettings({ distilWeight: soft.weight, temperature: soft.temperature });
  if (soft.probabilities.length !== rows * numClasses)
    throw new SettingError('softTargets', `must hold ${rows} rows × ${numClasses} classes of probabilities`, {
      given: soft.probabilities.length,
    });
  for (const p of soft.probabilities)
    if (!(p >= 0 && p <= 1))
      throw new SettingError('softTargets', 'must be probabilities (each from 0 to 1)', { given: p });
}

/** A batch's two targets apart, each smoothed: the labels', and the teacher's softened at its temperature. */
export function distillationTargets(
  labels: ArrayLike<number>,
  batch: Batch,
  numClasses: number,
  smoothing: number,
  soft: SoftTargets,
): { labels: Float32Array; teacher: Float32Array } {
  return {
    labels: batchTargets(labels, batch, numClasses, smoothing),
    teacher: batchTargets(labels, batch, numClasses, smoothing, { ...soft, weight: 1 }),
  };
}

/**
 * Each row's loss of a student's probabilities `p` ([rows, classes], a softmax's output):
 * weight · T² · H(teacher at T, student at T) + (1 − weight) · H(labels, p), Hinton et al.'s
 * distillation loss; the T² keeps the soft term's gradients the size they are at T = 1, where the sum
 * is the cross-entropy against `batchTargets`' mix. The student at T is softmax(log p / T) (log p is
 * the logits less a constant per row, which the softmax cancels); the 1e-10 keeps a probability that
 * rounded to 0 finite.
 */
export function distillationLoss(
  p: tf.Tensor,
  targets: { labels: tf.Tensor; teacher: tf.Tensor },
  weight: number,
  temperature: number,
): tf.Tensor {
  return tf.tidy(() => {
    const logP = tf.log(tf.add(p, 1e-10));
    const studentAtT = tf.logSoftmax(tf.mul(logP, 1 / temperature));
    const soft = tf.mul(tf.sum(tf.mul(targets.teacher, studentAtT), -1), -weight * temperature * temperature);
    const hard = tf.mul(tf.sum(tf.mul(targets.labels, logP), -1), -(1 - weight));
    return tf.add(soft, hard);
  });
}
