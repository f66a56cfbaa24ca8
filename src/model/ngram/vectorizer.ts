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
  /**
   * Bucket → feature index, or -1: a flat table over both halves of the hash space (8 MB at the default
   * 20 bits). In shared memory when the buckets are (a loaded model's): a scoring thread is handed it
   * instead of building its own.
   */
  readonly index: Int32Array;

  constructor(
    readonly config: NgramConfig,
    /** The bucket of each feature, the most frequent in training first. */
    readonly buckets: Int32Array,
    readonly idf: Float32Array,
    /** The table built from these buckets already (by another thread's vectorizer). */
    index?: Int32Array,
  ) {
    const size = 2 << config.hashBits;
    if (index) {
      if (index.length !== size) throw new RangeError(`an index of ${index.length} entries for ${size} buckets`);
      this.index = index;
      return;
    }
    // A page that is not cross-origin isolated has no SharedArrayBuffer at all (the browser export).
    const shared = typeof SharedArrayBuffer !== 'undefined' && buckets.buffer instanceof SharedArrayBuffer;
    this.index = (shared ? new Int32Array(new SharedArrayBuffer(4 * size)) : new Int32Array(size)).fill(-1);
    // A plain loop: forEach's callback per bucket cost 5 ms a member of `best` on a cold start.
    for (let f = 0; f < buckets.length; f++) this.index[buckets[f]] = f;
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
    const grams = new DistinctGrams();
    const ids: number[] = [];
    let nnz = 0;
    texts.forEach((t, r) => {
      ids.length = 0;
      ngramIds(t, this.config, ids);
      grams.clear();
      grams.add(ids);
      // A row has at most as many features as distinct ids.
      if (cols.length < nnz + grams.size) {
        const grown = Math.max(2 * cols.length, nnz + grams.size);
        cols = growInt(cols, grown);
        vals = growFloat(vals, grown);
      }
      nnz += this.rowFrom(grams, 0, cols, vals, nnz);
      rowStart[r + 1] = nnz;
    });
    return { rows: texts.length, rowStart, cols: cols.slice(0, nnz), vals: vals.slice(0, nnz) };
  }

  /**
   * The row of text `text` of `grams` (made with this vectorizer's config) into `row.cols`/`row.vals`
   * from 0 (in ascending bucket order, each block scaled to unit length); returns its length. Scoring
   * reads it there, without a matrix of the batch; vectorizers of one config share the grams.
   */
  rowFromGrams(grams: DistinctGrams, text: number, row: RowFeatures): number {
    // Grown before its arrays are handed on: reserve replaces them.
    row.reserve(grams.sizeOf(text));
    return this.rowFrom(grams, text, row.cols, row.vals, 0);
  }

  /** Text `text`'s row of `grams`, written to cols/vals from `at` (room for its distinct ids). */
  private rowFrom(grams: DistinctGrams, text: number, cols: Int32Array, vals: Float32Array, at: number): number {
    const { ids, counts } = grams;
    const charBase = 1 << this.config.hashBits;
    let end = at;
    let word = 0;
    let char = 0;
    // Ids ascend, so the word block's entries all come before the character block's: [at, split), [split, end).
    let split = -1;
    for (let e = grams.start[text], last = grams.start[text + 1]; e < last; e++) {
      const f = this.index[ids[e]];
      if (f < 0) continue;
      // A count is the term frequency.
      const v = counts[e] * this.idf[f];
      cols[end] = f;
      vals[end] = v;
      if (ids[e] < charBase) word += v * v;
      else {
        if (split < 0) split = end;
        char += v * v;
      }
      end++;
    }
    if (split < 0) split = end;
    const [wn, cn] = [Math.sqrt(word) || 1, Math.sqrt(char) || 1];
    for (let e = at; e < split; e++) vals[e] /= wn;
    for (let e = split; e < end; e++) vals[e] /= cn;
    return end - at;
  }
}

/** Working room for one text's row, grown as texts need. */
export class RowFeatures {
  cols = new Int32Array(256);
  vals = new Float32Array(256);

  reserve(n: number): void {
    if (this.cols.length >= n) return;
    this.cols = new Int32Array(2 * n);
    this.vals = new Float32Array(2 * n);
  }
}

/**
 * Texts' n-gram ids, each text's distinct ids ascending with how often each occurs: sorted and
 * counted once, then read by every vectorizer of the config they were made with (the members of an
 * ensemble map them to features of their own).
 */
export class DistinctGrams {
  ids = new Int32Array(1024);
  counts = new Int32Array(1024);
  /** Text t's distinct ids are ids[start[t] … start[t+1]). */
  start = new Int32Array(65);
  /** Texts added since the last clear. */
  texts = 0;
  private sorting = new Int32Array(256);

  /** Distinct ids of the last text added (of the only one, in transform). */
  get size(): number {
    return this.sizeOf(this.texts - 1);
  }

  sizeOf(text: number): number {
    return this.start[text + 1] - this.start[text];
  }

  clear(): void {
    this.texts = 0;
  }

  /** Adds a text's ids (ngramIds' output: repeats are its term frequencies). */
  add(all: readonly number[]): void {
    const n = all.length;
    if (this.sorting.length < n) this.sorting = new Int32Array(2 * n);
    const sorted = this.sorting.subarray(0, n);
    for (let i = 0; i < n; i++) sorted[i] = all[i];
    sorted.sort();
    if (this.start.length < this.texts + 2) this.start = growInt(this.start, 2 * (this.texts + 2));
    let end = this.start[this.texts];
    if (this.ids.length < end + n) {
      const grown = Math.max(2 * this.ids.length, end + n);
      this.ids = growInt(this.ids, grown);
      this.counts = growInt(this.counts, grown);
    }
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && sorted[j] === sorted[i]) j++;
      this.ids[end] = sorted[i];
      this.counts[end] = j - i;
      end++;
      i = j;
    }
    this.texts += 1;
    this.start[this.texts] = end;
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
