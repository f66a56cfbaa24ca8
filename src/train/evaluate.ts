/** Loss and accuracy of a model over batches, computed as Keras does (clipped cross-entropy). */
import * as tf from '@tensorflow/tfjs';
import { encodeBatch, type Batch } from '../data/batches.ts';

const EPSILON = 1e-7;

/** Keras' categorical cross-entropy for one row: -log of the true class's probability, clipped to [ε, 1-ε]. */
export function clippedCrossEntropy(pTrue: number): number {
  return -Math.log(Math.min(Math.max(pTrue, EPSILON), 1 - EPSILON));
}

/** Index of the largest value (the first one on ties). */
export function argmax(row: ArrayLike<number>): number {
  let arg = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[arg]) arg = j;
  return arg;
}

export interface Scores {
  loss: number;
  acc: number;
  count: number;
}

/** Class probabilities of one batch, row-major [rows, classes]. */
export function predictBatch(model: tf.LayersModel, seqs: ReadonlyArray<ArrayLike<number>>, batch: Batch): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor2d(encodeBatch(seqs, batch), [batch.rows.length, batch.length], 'int32');
    const p = model.predictOnBatch(x) as tf.Tensor;
    return p.dataSync() as Float32Array;
  });
}

export function scoreBatches(model: tf.LayersModel, seqs: ReadonlyArray<ArrayLike<number>>, labels: ArrayLike<number>, batches: Batch[]): Scores {
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for (const batch of batches) {
    const probs = predictBatch(model, seqs, batch);
    const k = probs.length / batch.rows.length;
    batch.rows.forEach((r, i) => {
      const row = probs.subarray(i * k, (i + 1) * k);
      lossSum += clippedCrossEntropy(row[labels[r]]);
      if (argmax(row) === labels[r]) correct += 1;
    });
    count += batch.rows.length;
  }
  return { loss: count ? lossSum / count : NaN, acc: count ? correct / count : NaN, count };
}
