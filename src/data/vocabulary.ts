/**
 * The vocabulary of a member on pretrained vectors: every word of the training phrases, then the most
 * frequent pretrained words up to a size, so that a word never seen in training still has its vector
 * when the model meets it; anything else is one unknown token. Kept as a Keras tokenizer
 * (index 1 the OOV token, as Keras' `oov_token` puts it), and the embedding matrix to start from.
 */
import { makeRng } from './random.ts';
import { SEED_FILTERS, Tokenizer } from './tokenizer.ts';
import type { PretrainedVectors } from './vectors.ts';

export const OOV_TOKEN = '<unk>';

/** A tokenizer for the training phrases (cleaned), before pretrained words are added to it. */
export function trainingTokenizer(cleaned: Iterable<string>): Tokenizer {
  return new Tokenizer({ numWords: null, filters: SEED_FILTERS, oovToken: OOV_TOKEN }).fitOnTexts(cleaned);
}

export interface Vocabulary {
  tokenizer: Tokenizer;
  /** Row-major [rows, dims]: row 0 padding (zeros), row i the vector of word index i. */
  embeddings: Float32Array;
  rows: number;
  dims: number;
  /** Training words the vectors had. */
  covered: number;
  /** Pretrained words added beyond the training words. */
  added: number;
}

/**
 * Extends `tokenizer` (fitted on the training phrases) with pretrained words in file order until it
 * has `size` words, and builds the embedding matrix: pretrained vectors where there are some, small
 * random vectors (of the pretrained values' spread) for the rest, zeros for padding.
 */
export function buildVocabulary(
  tokenizer: Tokenizer,
  vectors: PretrainedVectors,
  size: number,
  seed: number | string,
): Vocabulary {
  const known = new Map<string, number>();
  vectors.words.forEach((w, i) => known.set(w, i));
  let added = 0;
  for (const w of vectors.words) {
    if (tokenizer.wordIndex.size >= size) break;
    if (tokenizer.wordIndex.has(w)) continue;
    const index = tokenizer.wordIndex.size + 1;
    tokenizer.wordIndex.set(w, index);
    tokenizer.indexWord.set(index, w);
    added += 1;
  }
  const dims = vectors.dims;
  const rows = tokenizer.wordIndex.size + 1;
  const embeddings = new Float32Array(rows * dims);
  let sum = 0;
  let sq = 0;
  for (const v of vectors.vectors) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / Math.max(1, vectors.vectors.length);
  const sd = Math.sqrt(Math.max(0, sq / Math.max(1, vectors.vectors.length) - mean * mean));
  const rng = makeRng(`vocabulary:${seed}`);
  // Box–Muller: normal draws of the vectors' spread for words the vectors lack.
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()) * sd;
  let covered = 0;
  for (const [word, index] of tokenizer.wordIndex) {
    const at = known.get(word);
    const row = embeddings.subarray(index * dims, (index + 1) * dims);
    if (at === undefined) {
      for (let j = 0; j < dims; j++) row[j] = normal();
    } else {
      row.set(vectors.vectors.subarray(at * dims, (at + 1) * dims));
      if (index <= tokenizer.wordIndex.size - added) covered += 1;
    }
  }
  return { tokenizer, embeddings, rows, dims, covered, added };
}
