/**
 * Opens a model directory for use: ours (model.json, weights.bin, tokenizer.json, meta.json,
 * history.json) or the seed's Keras recipe converted by tensorflowjs_converter (model.json, its
 * weight shards, tokenizer.json, no meta.json). Every check names the file it is about.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { MAX_LEN_CAP } from '../data/prepare.ts';
import type { BatchingMode } from '../data/batches.ts';
import { CLEANING_VERSION } from '../data/clean.ts';
import { InputError } from '../data/errors.ts';
import type { Tokenizer } from '../data/tokenizer.ts';
import type { HistoryFile } from '../train/history.ts';
import { recoverDirectory } from './atomic-dir.ts';
import { loadLayersModel, loadTokenizer, MODEL_FILES, readJsonFile } from './files.ts';
import { META_FORMAT_VERSION, type ModelMeta } from './meta.ts';

/** How texts must be fed to this model. */
export interface InferenceSettings {
  /** Longest input; longer sequences are cut 'pre'. */
  maxLen: number;
  /** 'group': fed unpadded at their own length; 'max': pre-padded to maxLen. */
  batching: BatchingMode;
  /** 'sentiment': written by this tool (meta.json); 'keras': the seed's converted Keras model. */
  layout: 'sentiment' | 'keras';
}

export interface LoadedModel {
  dir: string;
  model: tf.LayersModel;
  tokenizer: Tokenizer;
  meta: ModelMeta | null;
  history: HistoryFile | null;
  settings: InferenceSettings;
}

export function noModelMessage(dir: string): string {
  return `no model in ${dir}/; train one with \`sentiment train data/train.tsv --out ${dir}\` (or pass --model DIR)`;
}

export async function loadModelDirectory(dir: string): Promise<LoadedModel> {
  await recoverDirectory(dir).catch(() => undefined);
  const files = await listDirectory(dir);
  if (!files.includes(MODEL_FILES.model) && !files.includes(MODEL_FILES.tokenizer)) throw new InputError(noModelMessage(dir));
  for (const f of [MODEL_FILES.model, MODEL_FILES.tokenizer]) {
    if (!files.includes(f)) throw new InputError('missing', { file: join(dir, f) });
  }
  const meta = files.includes(MODEL_FILES.meta) ? checkMeta(await readJsonFile<ModelMeta>(join(dir, MODEL_FILES.meta)), join(dir, MODEL_FILES.meta)) : null;
  const history = files.includes(MODEL_FILES.history) ? await readJsonFile<HistoryFile>(join(dir, MODEL_FILES.history)) : null;
  const tokenizer = await loadTokenizer(dir);
  const model = await loadLayersModel(dir);
  try {
    checkVocabularyFits(tokenizer, model, dir);
    return { dir, model, tokenizer, meta, history, settings: inferenceSettings(model, meta) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

async function listDirectory(dir: string): Promise<string[]> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new InputError('is a file, expected a model directory', { file: dir });
    return await readdir(dir);
  } catch (err) {
    if (err instanceof InputError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(noModelMessage(dir));
    throw new InputError((err as Error).message, { file: dir });
  }
}

function checkMeta(meta: ModelMeta, path: string): ModelMeta {
  if (typeof meta.format_version !== 'number' || meta.format_version > META_FORMAT_VERSION) {
    throw new InputError(`format_version ${JSON.stringify(meta.format_version)} is not one this version reads (up to ${META_FORMAT_VERSION}); upgrade sentiment`, { file: path });
  }
  if (meta.cleaning_version !== CLEANING_VERSION) {
    throw new InputError(`cleaning_version ${JSON.stringify(meta.cleaning_version)} differs from this version's (${CLEANING_VERSION}); the model would see different text`, { file: path });
  }
  if (!Number.isInteger(meta.max_len) || meta.max_len < 1 || (meta.batching !== 'group' && meta.batching !== 'max')) {
    throw new InputError('max_len or batching is missing or invalid', { file: path });
  }
  return meta;
}

/** Every index the tokenizer can produce must have an embedding row. */
function checkVocabularyFits(tokenizer: Tokenizer, model: tf.LayersModel, dir: string): void {
  const embedding = model.layers.find((l) => l.getClassName() === 'Embedding');
  const inputDim = embedding?.getConfig().inputDim;
  if (typeof inputDim !== 'number') return;
  // A declared num_words larger than the embedding means the two files do not belong together.
  const rowsNeeded = tokenizer.numWords ?? tokenizer.vocabularySize;
  if (rowsNeeded > inputDim) {
    throw new InputError(`num_words ${tokenizer.numWords ?? `(all ${tokenizer.wordIndex.size} words)`} does not fit the model's embedding of ${inputDim} rows`, {
      file: join(dir, MODEL_FILES.tokenizer),
    });
  }
}

function inferenceSettings(model: tf.LayersModel, meta: ModelMeta | null): InferenceSettings {
  if (meta) return { maxLen: meta.max_len, batching: meta.batching, layout: 'sentiment' };
  // The seed pre-pads every phrase to the model's fixed input length.
  const steps = model.inputs[0]?.shape[1];
  return typeof steps === 'number' ? { maxLen: steps, batching: 'max', layout: 'keras' } : { maxLen: MAX_LEN_CAP, batching: 'group', layout: 'keras' };
}
