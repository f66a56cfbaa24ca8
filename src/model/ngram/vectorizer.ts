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
    const ids: number[] = [];
    let feats = new Int32Array(256);
    let nnz = 0;
    texts.forEach((t, r) => {
      ids.length = 0;
      ngramIds(t, this.config, ids);
      if (feats.length < ids.length) feats = new Int32Array(2 * ids.length);
      let m = 0;
      for (const id of ids) {
        const f = this.index[id];
        if (f >= 0) feats[m++] = f;
      }
      const row = feats.subarray(0, m).sort();
      if (cols.length < nnz + m) {
        const grown = Math.max(2 * cols.length, nnz + m);
        cols = growInt(cols, grown);
        vals = growFloat(vals, grown);
      }
      // Runs of one feature are its term frequency.
      const start = nnz;
      for (let i = 0; i < m; ) {
        let j = i + 1;
        while (j < m && row[j] === row[i]) j++;
        cols[nnz] = row[i];
        vals[nnz++] = (j - i) * this.idf[row[i]];
        i = j;
      }
      this.normalise(cols, vals, start, nnz);
      rowStart[r + 1] = nnz;
    });
    return { rows: texts.length, rowStart, cols: cols.slice(0, nnz), vals: vals.slice(0, nnz) };
  }

  /** Scales the word block and the character block of one row to unit length each. */
  private normalise(cols: Int32Array, vals: Float32Array, start: number, end: number): void {
    const charBase = 1 << this.config.hashBits;
    let word = 0;
    let char = 0;
    for (let e = start; e < end; e++) {
      if (this.buckets[cols[e]] < charBase) word += vals[e] * vals[e];
      else char += vals[e] * vals[e];
    }
    const [wn, cn] = [Math.sqrt(word) || 1, Math.sqrt(char) || 1];
    for (let e = start; e < end; e++) vals[e] /= this.buckets[cols[e]] < charBase ? wn : cn;
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
