/** From TSV rows to what the model eats: cleaned text, a fitted tokenizer, index sequences. */
import { cleanText } from './clean.ts';
import { maxPhraseLength, truncatePre } from './sequences.ts';
import { SEED_FILTERS, Tokenizer } from './tokenizer.ts';
import type { PhraseRow } from './tsv.ts';

/** Longest sequence a model is built for, whatever the data says (a 1 MB phrase must not blow up the LSTM). */
export const MAX_LEN_CAP = 256;

export interface PreparedData {
  cleaned: string[];
  sequences: number[][];
  labels: Int32Array;
  tokenizer: Tokenizer;
  /** The seed's max_phrase_len, capped at MAX_LEN_CAP unless given. */
  maxLen: number;
  /** How many sequences were cut to maxLen. */
  truncated: number;
  /** The seed's max_phrase_len: words of the longest cleaned phrase. */
  longestPhrase: number;
}

export interface PrepareOptions {
  maxWords: number;
  /** Longest sequence; default the longest phrase, at most MAX_LEN_CAP. */
  maxLen?: number | null;
  /** A tokenizer fitted before (resuming); otherwise one is fitted on these rows. */
  tokenizer?: Tokenizer;
}

export function prepareTrainingData(rows: ReadonlyArray<PhraseRow>, opts: PrepareOptions): PreparedData {
  const cleaned = rows.map((r) => cleanText(r.phrase));
  const tokenizer = opts.tokenizer ?? new Tokenizer({ numWords: opts.maxWords, filters: SEED_FILTERS }).fitOnTexts(cleaned);
  const longestPhrase = maxPhraseLength(cleaned);
  const maxLen = opts.maxLen ?? Math.min(longestPhrase, MAX_LEN_CAP);
  let truncated = 0;
  const sequences = cleaned.map((c) => {
    const seq = tokenizer.textToSequence(c);
    if (seq.length > maxLen) truncated += 1;
    return truncatePre(seq, maxLen);
  });
  const labels = Int32Array.from(rows, (r) => {
    if (r.sentiment === null) throw new Error(`row at line ${r.line} has no label`);
    return r.sentiment;
  });
  return { cleaned, sequences, labels, tokenizer, maxLen, truncated, longestPhrase };
}

/** Text to the index sequence a trained model expects. */
export function encodeText(text: string, tokenizer: Tokenizer, maxLen: number): number[] {
  return truncatePre(tokenizer.textToSequence(cleanText(text)), maxLen);
}
