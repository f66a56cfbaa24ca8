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
 * Cleaned texts split into words once for every tokenizer that splits alike (the five vectors members of
 * `best`), each distinct word mapped once per tokenizer: the sequences toSequences gives, for less work.
 */
export class SplitTexts {
  /** By splitKey: the distinct words, and each text's words as their numbers (text t: ids[starts[t] … starts[t+1])). */
  private readonly splits = new Map<string, { words: string[]; ids: Int32Array; starts: Int32Array }>();

  constructor(readonly cleaned: ReadonlyArray<string>) {}

  sequences(tokenizer: Tokenizer, maxLen: number): EncodedTexts {
    checkMaxLen(maxLen);
    const { words, ids, starts } = this.split(tokenizer);
    const tokens = new Int32Array(words.length);
    tokenizer.expectLookups(words.length);
    for (let w = 0; w < words.length; w++) tokens[w] = tokenizer.tokenOf(words[w]) ?? -1;
    let truncated = 0;
    const sequences = new Array<number[]>(this.cleaned.length);
    for (let t = 0; t < sequences.length; t++) {
      const seq: number[] = [];
      for (let e = starts[t]; e < starts[t + 1]; e++) if (tokens[ids[e]] >= 0) seq.push(tokens[ids[e]]);
      if (seq.length > maxLen) truncated += 1;
      sequences[t] = truncatePre(seq, maxLen);
    }
    return { sequences, truncated };
  }

  private split(tokenizer: Tokenizer): { words: string[]; ids: Int32Array; starts: Int32Array } {
    const known = this.splits.get(tokenizer.splitKey);
    if (known) return known;
    const numbers = new Map<string, number>();
    const words: string[] = [];
    const starts = new Int32Array(this.cleaned.length + 1);
    let ids = new Int32Array(Math.max(16, this.cleaned.length * 8));
    let at = 0;
    this.cleaned.forEach((text, t) => {
      for (const w of tokenizer.wordSequence(text)) {
        let id = numbers.get(w);
        if (id === undefined) {
          id = words.push(w) - 1;
          numbers.set(w, id);
        }
        if (at === ids.length) {
          const grown = new Int32Array(2 * ids.length);
          grown.set(ids);
          ids = grown;
        }
        ids[at++] = id;
      }
      starts[t + 1] = at;
    });
    const split = { words, ids, starts };
    this.splits.set(tokenizer.splitKey, split);
    return split;
  }
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
