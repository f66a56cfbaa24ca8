/**
 * The files of a model directory, by name, and those in plain formats: tokenizer.json (Keras format) and
 * JSON records. model.json + weights.bin, which need TensorFlow.js, are in layers-files.ts.
 */
import { join } from 'node:path';
import { Tokenizer } from '../data/tokenizer.ts';
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

export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const path = join(dir, MODEL_FILES.tokenizer);
  const text = await readTextFile(path);
  try {
    return Tokenizer.fromKerasJson(text);
  } catch (err) {
    throw new InputError((err as Error).message, { file: path });
  }
}

export async function saveJson(dir: string, name: string, value: unknown): Promise<void> {
  await writeFileAtomic(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}
