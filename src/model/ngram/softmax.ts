/** Multinomial logistic regression over sparse rows: class probabilities softmax(x·W + b). */
import type { SparseRows } from './vectorizer.ts';

export class SoftmaxRegression {
  constructor(
    readonly classes: number,
    /** Row-major [features, classes]. */
    readonly weights: Float32Array,
    readonly bias: Float32Array,
  ) {}

  get features(): number {
    return this.weights.length / this.classes;
  }

  /** Class probabilities, row-major [rows, classes]. */
  predict(x: SparseRows): Float32Array {
    const k = this.classes;
    const out = new Float32Array(x.rows * k);
    const z = new Float64Array(k);
    for (let r = 0; r < x.rows; r++) {
      scores(x, r, this.weights, this.bias, z);
      softmaxInPlace(z);
      for (let j = 0; j < k; j++) out[r * k + j] = z[j];
    }
    return out;
  }
}

export function scores(x: SparseRows, r: number, w: ArrayLike<number>, b: ArrayLike<number>, z: Float64Array): void {
  const k = z.length;
  for (let j = 0; j < k; j++) z[j] = b[j];
  for (let e = x.rowStart[r]; e < x.rowStart[r + 1]; e++) {
    const v = x.vals[e];
    const at = x.cols[e] * k;
    for (let j = 0; j < k; j++) z[j] += v * w[at + j];
  }
}

export function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < z.length; j++) if (z[j] > max) max = z[j];
  let sum = 0;
  for (let j = 0; j < z.length; j++) {
    z[j] = Math.exp(z[j] - max);
    sum += z[j];
  }
  for (let j = 0; j < z.length; j++) z[j] /= sum;
}
