/**
 * The files of a model directory, by name, and those in plain formats: tokenizer.json (Keras format) and
 * JSON records. model.json + weights.bin, which need TensorFlow.js, are in layers-files.ts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { join, resolve } from 'node:path';
import { Tokenizer, type WordIndexFacts } from '../data/tokenizer.ts';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { readTextFile } from '../fs/read.ts';

export const MODEL_FILES = {
  model: 'model.json',
  weights: 'weights.bin',
  tokenizer: 'tokenizer.json',
  meta: 'meta.json',
  history: 'history.json',
} as const;

export async function saveTokenizer(tokenizer: Tokenizer, dir: string): Promise<void> {
  await writeFileAtomic(join(dir, MODEL_FILES.tokenizer), tokenizer.toJsonString());
}

const knownFacts = new AsyncLocalStorage<ReadonlyMap<string, WordIndexFacts>>();

/**
 * Runs `fn` with what is known of the word_index of tokenizer files in `dir` (by path inside it): a model
 * directory's meta.json records it with each tokenizer's sha256, and hands it on for the files whose
 * checked bytes match.
 */
export function withTokenizerFacts<T>(
  dir: string,
  facts: ReadonlyMap<string, WordIndexFacts>,
  fn: () => Promise<T>,
): Promise<T> {
  return knownFacts.run(new Map([...facts].map(([path, f]) => [resolve(dir, path), f])), fn);
}

export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const path = join(dir, MODEL_FILES.tokenizer);
  const text = await readTextFile(path);
  try {
    return Tokenizer.fromKerasJson(text, knownFacts.getStore()?.get(resolve(path)) ?? null);
  } catch (err) {
    throw new InputError((err as Error).message, { file: path });
  }
}

export async function saveJson(dir: string, name: string, value: unknown): Promise<void> {
  await writeFileAtomic(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}
