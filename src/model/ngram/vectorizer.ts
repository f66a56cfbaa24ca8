/**
 * Tf-idf over hashed n-grams, as scikit-learn's TfidfVectorizer computes it (raw counts, smooth idf
 * ln((1+n)/(1+df)) + 1, each block — words, characters — scaled to unit length), fitted on the
 * training phrases. Only buckets seen in at least `minDf` training phrases are features.
 */
import { ngramIds, type NgramConfig } from './features.ts';

/** Rows of features in compressed sparse row form: row r is cols/vals[rowStart[r] … rowStart[r+1]). */
export interface SparseRows {
  rows: number;
  rowStart: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
}

export class TfidfVectorizer {
  /** Bucket → feature index, or -1: a flat table over both halves of the hash space. */
  private readonly index: Int32Array;

  constructor(
    readonly config: NgramConfig,
    /** The bucket of each feature, the most frequent in training first. */
    readonly buckets: Int32Array,
    readonly idf: Float32Array,
  ) {
    this.index = new Int32Array(2 << config.hashBits).fill(-1);
    buckets.forEach((b, i) => (this.index[b] = i));
  }

  get features(): number {
    return this.buckets.length;
  }

  static fit(texts: ReadonlyArray<string>, config: NgramConfig, minDf = 1): TfidfVectorizer {
    const size = 2 << config.hashBits;
    const df = new Int32Array(size);
    // The last row each bucket was counted for: a phrase counts once per bucket.
    const seenIn = new Int32Array(size).fill(-1);
    const ids: number[] = [];
    texts.forEach((t, r) => {
      ids.length = 0;
      ngramIds(t, config, ids);
      for (const id of ids) {
        if (seenIn[id] !== r) {
          seenIn[id] = r;
          df[id] += 1;
        }
      }
    });
    let kept = 0;
    for (let b = 0; b < size; b++) if (df[b] >= minDf) kept += 1;
    const buckets = new Int32Array(kept);
    for (let b = 0, i = 0; b < size; b++) if (df[b] >= minDf) buckets[i++] = b;
    // Most frequent first: the weights a pass reads most then sit together in the cache.
    buckets.sort((a, b) => df[b] - df[a] || a - b);
    const n = texts.length;
    const idf = Float32Array.from(buckets, (b) => Math.log((1 + n) / (1 + df[b])) + 1);
    return new TfidfVectorizer(config, buckets, idf);
  }

  transform(texts: ReadonlyArray<string>): SparseRows {
    const rowStart = new Int32Array(texts.length + 1);
    let cols = new Int32Array(Math.max(16, texts.length * 64));
    let vals = new Float32Array(cols.length);
    const row = new RowFeatures();
    const ids: number[] = [];
    let nnz = 0;
    texts.forEach((t, r) => {
      ids.length = 0;
      ngramIds(t, this.config, ids);
      // A row has at most as many features as ids.
      if (cols.length < nnz + ids.length) {
        const grown = Math.max(2 * cols.length, nnz + ids.length);
        cols = growInt(cols, grown);
        vals = growFloat(vals, grown);
      }
      row.reserve(ids.length);
      nnz += this.rowFrom(ids, row, cols, vals, nnz);
      rowStart[r + 1] = nnz;
    });
    return { rows: texts.length, rowStart, cols: cols.slice(0, nnz), vals: vals.slice(0, nnz) };
  }

  /**
   * The row of a text's n-gram ids (ngramIds, with this vectorizer's config) into `row.cols`/`row.vals`
   * from 0 (features ascending, each block scaled to unit length); returns its length. Scoring reads it
   * there, without a matrix of the batch; vectorizers of one config share the ids.
   */
  rowFromIds(ids: readonly number[], row: RowFeatures): number {
    // Grown before its arrays are handed on: reserve replaces them.
    row.reserve(ids.length);
    return this.rowFrom(ids, row, row.cols, row.vals, 0);
  }

  /** The row of `ids`, written to cols/vals from `at`; `row` is working room reserved for `ids`. */
  private rowFrom(ids: readonly number[], row: RowFeatures, cols: Int32Array, vals: Float32Array, at: number): number {
    const { feats } = row;
    let m = 0;
    for (const id of ids) {
      const f = this.index[id];
      if (f >= 0) feats[m++] = f;
    }
    const sorted = feats.subarray(0, m).sort();
    // Runs of one feature are its term frequency.
    const charBase = 1 << this.config.hashBits;
    let end = at;
    let word = 0;
    let char = 0;
    for (let i = 0; i < m; ) {
      let j = i + 1;
      while (j < m && sorted[j] === sorted[i]) j++;
      const f = sorted[i];
      cols[end] = f;
      vals[end] = (j - i) * this.idf[f];
      if (this.buckets[f] < charBase) word += vals[end] * vals[end];
      else char += vals[end] * vals[end];
      end++;
      i = j;
    }
    const [wn, cn] = [Math.sqrt(word) || 1, Math.sqrt(char) || 1];
    for (let e = at; e < end; e++) vals[e] /= this.buckets[cols[e]] < charBase ? wn : cn;
    return end - at;
  }
}

/** Working room for one text's features, grown as texts need. */
export class RowFeatures {
  feats = new Int32Array(256);
  cols = new Int32Array(256);
  vals = new Float32Array(256);

  reserve(n: number): void {
    if (this.feats.length >= n) return;
    this.feats = new Int32Array(2 * n);
    this.cols = new Int32Array(2 * n);
    this.vals = new Float32Array(2 * n);
  }
}

function growInt(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function growFloat(a: Float32Array, n: number): Float32Array<ArrayBuffer> {
  const b = new Float32Array(n);
  b.set(a);
  return b;
}
