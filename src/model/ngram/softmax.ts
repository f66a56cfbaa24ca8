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
    const out = new Float32Array(x.rows * this.classes);
    const z = new Float64Array(this.classes);
    for (let r = 0; r < x.rows; r++) this.rowInto(x.cols, x.vals, x.rowStart[r], x.rowStart[r + 1], z, out, r);
    return out;
  }

  /** The probabilities of the row held at cols/vals[from … to), into out's row `r`; z is working room of `classes`. */
  rowInto(
    cols: Int32Array,
    vals: Float32Array,
    from: number,
    to: number,
    z: Float64Array,
    out: Float32Array,
    r: number,
  ): void {
    const k = this.classes;
    scoreRow(cols, vals, from, to, this.weights, this.bias, z);
    softmaxInPlace(z);
    for (let j = 0; j < k; j++) out[r * k + j] = z[j];
  }
}

/** x·W + b for the sparse row at cols/vals[from … to), into z. */
function scoreRow(
  cols: Int32Array,
  vals: Float32Array,
  from: number,
  to: number,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  z: Float64Array,
): void {
  const k = z.length;
  for (let j = 0; j < k; j++) z[j] = b[j];
  for (let e = from; e < to; e++) {
    const v = vals[e];
    const at = cols[e] * k;
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
