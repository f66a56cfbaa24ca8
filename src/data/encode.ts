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

/**
 * Which of a cleaned text's words (split on spaces) hold its last `maxLen` tokens, ascending: a word's
 * tokens are its own when the tokenizer splits on spaces (else null: every word may count).
 */
export function wordsRead(words: ReadonlyArray<string>, tokenizer: Tokenizer, maxLen: number): number[] | null {
  if (tokenizer.split !== ' ') return null;
  const read: number[] = [];
  for (let j = words.length - 1, tokens = 0; j >= 0 && tokens < maxLen; j--) {
    const n = tokenizer.textToSequence(words[j]).length;
    if (n > 0) read.push(j);
    tokens += n;
  }
  return read.reverse();
}
