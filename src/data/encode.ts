/**
 * The one way from text to a model's input, for training, prediction and evaluation alike: the seed's
 * clean_text, then the Keras tokenizer, then the sequence cut to the model's length from the front
 * (pad_sequences' truncating='pre'). Padding and batching follow in batches.ts.
 */
import { cleanText } from './clean.ts';
import { checkMaxLen, truncatePre } from './padding.ts';
import type { Tokenizer } from './tokenizer.ts';

export function cleanTexts(texts: ReadonlyArray<string>): string[] {
  return texts.map(cleanText);
}

export interface EncodedTexts {
  sequences: number[][];
  /** How many texts had more tokens than maxLen (and were cut). */
  truncated: number;
}

/** Cleaned texts to index sequences of at most `maxLen` tokens. */
export function toSequences(cleaned: ReadonlyArray<string>, tokenizer: Tokenizer, maxLen: number): EncodedTexts {
  checkMaxLen(maxLen);
  let truncated = 0;
  const sequences = cleaned.map((c) => {
    const seq = tokenizer.textToSequence(c);
    if (seq.length > maxLen) truncated += 1;
    return truncatePre(seq, maxLen);
  });
  return { sequences, truncated };
}
