/**
 * The n-grams of a cleaned phrase, as hashed feature ids: word 1–3-grams and character 2–5-grams
 * (over the phrase with a space at each end, across word boundaries, as scikit-learn's `char`
 * analyzer takes them). Hashing (FNV-1a, then a murmur finaliser) keeps the feature space fixed
 * whatever the vocabulary; words and characters get separate halves of it.
 */

export interface NgramConfig {
  /** Word n-gram lengths, from..to. */
  wordN: [number, number];
  /** Character n-gram lengths, from..to. */
  charN: [number, number];
  /** log2 of the buckets per half (words; characters). */
  hashBits: number;
}

export const DEFAULT_NGRAMS: NgramConfig = { wordN: [1, 3], charN: [2, 5], hashBits: 20 };

const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME);
}

/** Murmur3's finaliser: spreads the bits before taking the low ones. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Appends the feature ids of `text` to `out` (repeats count: term frequency). Word ids are below
 * 2^hashBits, character ids above. Each pass is a function of its own: V8 then optimises each loop with
 * its own type feedback (one long function was deoptimised mid-text and ran 8× slower on long texts).
 */
export function ngramIds(text: string, cfg: NgramConfig, out: number[]): void {
  wordNgramIds(wordHashes(text), cfg, out);
  charNgramIds(` ${text} `, cfg, out);
}

/** The FNV-1a hash of each space-separated word. */
function wordHashes(text: string): number[] {
  const words: number[] = [];
  let h = FNV_BASIS;
  let inWord = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    if (c === 32) {
      if (inWord) words.push(h);
      h = FNV_BASIS;
      inWord = false;
    } else {
      h = fnvStep(h, c);
      inWord = true;
    }
  }
  return words;
}

/** Word n-grams as a chain of mixed hashes (n mixed in, so "a b" ≠ "ab"). */
function wordNgramIds(words: readonly number[], cfg: NgramConfig, out: number[]): void {
  const mask = (1 << cfg.hashBits) - 1;
  const [w0, w1] = cfg.wordN;
  for (let i = 0; i < words.length; i++) {
    let g = 0;
    for (let n = 1; n <= w1 && i + n <= words.length; n++) {
      g = mix((Math.imul(g ^ words[i + n - 1], FNV_PRIME) + n) | 0);
      if (n >= w0) out.push(g & mask);
    }
  }
}

/** Characters of " text ", each start extended to the longest n. */
function charNgramIds(padded: string, cfg: NgramConfig, out: number[]): void {
  const mask = (1 << cfg.hashBits) - 1;
  const charBase = 1 << cfg.hashBits;
  const [c0, c1] = cfg.charN;
  for (let i = 0; i < padded.length; i++) {
    let g = FNV_BASIS ^ 0x9e3779b9;
    for (let n = 1; n <= c1 && i + n <= padded.length; n++) {
      g = fnvStep(g, padded.charCodeAt(i + n - 1));
      if (n >= c0) out.push(charBase + (mix((g + n) | 0) & mask));
    }
  }
}
