/** keras_preprocessing's `pad_sequences` and the seed's phrase-length measure. */
import { SettingError } from '../errors.ts';
import { WHOLE_AT_LEAST_1 } from '../settings.ts';

/** A length the library can pad or cut to: a whole number of at least 1. */
export function checkMaxLen(maxLen: number): void {
  if (!WHOLE_AT_LEAST_1.valid(maxLen))
    throw new SettingError('maxLen', `must be ${WHOLE_AT_LEAST_1.expected}`, { given: maxLen });
}

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
  checkMaxLen(opts.maxLen);
  for (const [name, mode] of [
    ['padding', opts.padding],
    ['truncating', opts.truncating],
  ] as const)
    if (mode !== undefined && mode !== 'pre' && mode !== 'post')
      throw new SettingError(name, "must be 'pre' or 'post'", { given: String(mode) });
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
