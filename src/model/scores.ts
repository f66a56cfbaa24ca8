/** Loss and accuracy of class probabilities, computed as Keras computes them (clipped cross-entropy). */

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

/** Mean loss and accuracy of row-major probabilities [rows, numClasses] against their labels. */
export function scoreProbabilities(probabilities: Float32Array, numClasses: number, labels: ArrayLike<number>): Scores {
  const count = labels.length;
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const row = probabilities.subarray(i * numClasses, (i + 1) * numClasses);
    lossSum += clippedCrossEntropy(row[labels[i]]);
    if (argmax(row) === labels[i]) correct += 1;
  }
  return { loss: count ? lossSum / count : NaN, acc: count ? correct / count : NaN, count };
}
