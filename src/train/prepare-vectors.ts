/**
 * Gets the member on pretrained vectors ready to train: the training words, the vectors read for them
 * (and the most frequent others, up to the vocabulary size), the vocabulary, the embedding matrix and
 * every row's sequence in that vocabulary.
 */
import { toSequences } from '../data/encode.ts';
import type { Tokenizer } from '../data/tokenizer.ts';
import { readVectors } from '../data/vectors.ts';
import { buildVocabulary, trainingTokenizer, type Vocabulary } from '../data/vocabulary.ts';
import type { SequenceData } from './train-recurrent.ts';

export interface VectorsProgress {
  bytesRead: number;
  totalBytes: number;
}

export interface PreparedVectors {
  data: SequenceData;
  vocabulary: Vocabulary;
  /** Words in the vectors file, and where it was. */
  fileWords: number;
  source: string;
}

/**
 * `cleaned` every row's cleaned text; the vocabulary comes from `trainRows` only. `maxLen` cuts the
 * sequences as the run's other members are cut.
 */
export async function prepareVectors(
  cleaned: ReadonlyArray<string>,
  labels: Int32Array,
  trainRows: Int32Array,
  opts: {
    embeddings: string;
    vocabSize: number;
    maxLen: number;
    seed: number;
    onProgress?(p: VectorsProgress): void;
    signal?: AbortSignal;
  },
): Promise<PreparedVectors> {
  const tokenizer = trainingTokenizer(Array.from(trainRows, (r) => cleaned[r]));
  const vectors = await readVectors(opts.embeddings, {
    words: new Set(tokenizer.wordIndex.keys()),
    top: opts.vocabSize,
    onProgress: opts.onProgress && ((bytesRead, totalBytes) => opts.onProgress?.({ bytesRead, totalBytes })),
    signal: opts.signal,
  });
  const vocabulary = buildVocabulary(tokenizer, vectors, opts.vocabSize, opts.seed);
  return {
    data: sequencesOf(tokenizer, cleaned, labels, opts.maxLen),
    vocabulary,
    fileWords: vectors.fileWords,
    source: vectors.source,
  };
}

/** Every row's sequence in a tokenizer's vocabulary (a resumed run takes the checkpoint's). */
export function sequencesOf(
  tokenizer: Tokenizer,
  cleaned: ReadonlyArray<string>,
  labels: Int32Array,
  maxLen: number,
): SequenceData {
  return { tokenizer, sequences: toSequences(cleaned, tokenizer, maxLen).sequences, labels, maxLen };
}
