/** From labelled rows to what the LSTM eats: cleaned text, a fitted tokenizer, index sequences. */
import { cleanTexts, toSequences } from './encode.ts';
import { maxPhraseLength } from './padding.ts';
import { SEED_FILTERS, Tokenizer } from './tokenizer.ts';

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
  /** A tokenizer fitted before (resuming); otherwise one is fitted on these texts. */
  tokenizer?: Tokenizer;
  /** Fit on the first `fitRows` texts only (the training file's, not a validation file's); default all. */
  fitRows?: number;
}

export function prepareTrainingData(
  texts: ReadonlyArray<string>,
  labels: ArrayLike<number>,
  opts: PrepareOptions,
): PreparedData {
  const cleaned = cleanTexts(texts);
  const tokenizer =
    opts.tokenizer ??
    new Tokenizer({ numWords: opts.maxWords, filters: SEED_FILTERS }).fitOnTexts(
      cleaned.slice(0, opts.fitRows ?? cleaned.length),
    );
  const longestPhrase = maxPhraseLength(cleaned);
  const maxLen = opts.maxLen ?? Math.min(longestPhrase, MAX_LEN_CAP);
  const { sequences, truncated } = toSequences(cleaned, tokenizer, maxLen);
  return { cleaned, sequences, labels: Int32Array.from(labels), tokenizer, maxLen, truncated, longestPhrase };
}
