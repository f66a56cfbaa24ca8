/** keras_preprocessing's `pad_sequences` and the seed's phrase-length measure. */

export type PadMode = 'pre' | 'post';

export interface PadOptions {
  maxLen: number;
  padding?: PadMode;
  truncating?: PadMode;
  value?: number;
}

/** Fits one sequence to `maxLen` the way pad_sequences does for a row. */
export function padSequence(seq: ArrayLike<number>, opts: PadOptions, out = new Int32Array(opts.maxLen)): Int32Array {
  const { maxLen, padding = 'pre', truncating = 'pre', value = 0 } = opts;
  const n = Math.min(seq.length, maxLen);
  const start = truncating === 'pre' ? seq.length - n : 0;
  const offset = padding === 'pre' ? maxLen - n : 0;
  out.fill(value);
  for (let i = 0; i < n; i++) out[offset + i] = seq[start + i];
  return out;
}

/** Every sequence padded into one row-major [n, maxLen] matrix. */
export function padSequences(seqs: ReadonlyArray<ArrayLike<number>>, opts: PadOptions): Int32Array {
  const out = new Int32Array(seqs.length * opts.maxLen);
  seqs.forEach((s, i) => padSequence(s, opts, out.subarray(i * opts.maxLen, (i + 1) * opts.maxLen)));
  return out;
}

/** Keeps the last `maxLen` tokens, as truncating='pre' does. */
export function truncatePre(seq: number[], maxLen: number): number[] {
  return seq.length > maxLen ? seq.slice(seq.length - maxLen) : seq;
}

/** The seed's `len(p.split(' '))` on cleaned text (an empty phrase counts as 1). */
export function phraseLength(cleaned: string): number {
  return cleaned.split(' ').length;
}

export function maxPhraseLength(cleaned: Iterable<string>): number {
  let max = 0;
  for (const c of cleaned) max = Math.max(max, phraseLength(c));
  return max;
}
