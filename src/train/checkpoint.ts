/**
 * The checkpoint in `<out>/checkpoint/`, written after every epoch: the model's weights, Adam's
 * state, the tokenizer, and state.json (epochs done, their history, the run's settings and the data's
 * sha256). With the per-epoch seeds of the loop, that is all a resumed run needs to continue exactly.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BatchingMode } from '../data/batches.ts';
import { InputError } from '../data/errors.ts';
import type { Tokenizer } from '../data/tokenizer.ts';
import { writeFileAtomic } from '../model/atomic.ts';
import { pauseForTest, recoverDirectory, replaceDirectory } from '../model/atomic-dir.ts';
import type { RecurrentActivation } from '../model/recipe.ts';
import { loadLayersModel, loadTokenizer, readJsonFile, saveJson, saveLayersModel, saveTokenizer } from '../model/files.ts';
import type { EpochLog } from './history.ts';

export const CHECKPOINT_DIR = 'checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;
const FILES = { state: 'state.json', optimizer: 'optimizer.json', optimizerWeights: 'optimizer.bin' } as const;

/** The options that define a run: a resume must use the same ones. */
export interface RunSettings {
  maxWords: number;
  embeddingDim: number;
  units: number;
  denseUnits: number;
  dropout: number;
  learningRate: number;
  seed: number;
  pad: BatchingMode;
  recurrentActivation: RecurrentActivation;
  validationSplit: number;
  batchSize: number;
  maxLen: number;
}

export interface CheckpointState {
  format_version: number;
  /** Epochs completed. */
  epoch: number;
  history: EpochLog[];
  settings: RunSettings;
  data_file: string;
  data_sha256: string;
  param_count: number;
  engine: string;
  saved: string;
}

interface OptimizerFile {
  weights: { name: string; shape: number[]; dtype: tf.DataType }[];
}

export const checkpointPath = (out: string) => join(out, CHECKPOINT_DIR);

export async function saveCheckpoint(out: string, model: tf.LayersModel, tokenizer: Tokenizer, state: CheckpointState): Promise<void> {
  const named = await model.optimizer.getWeights();
  const weights = await Promise.all(named.map(async (w) => ({ spec: { name: w.name, shape: w.tensor.shape, dtype: w.tensor.dtype }, data: await w.tensor.data() })));
  await replaceDirectory(checkpointPath(out), async (stage) => {
    await saveLayersModel(model, stage);
    await pauseForTest();
    const bytes = Buffer.concat(weights.map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)));
    await writeFileAtomic(join(stage, FILES.optimizerWeights), bytes);
    await saveJson(stage, FILES.optimizer, { weights: weights.map((w) => w.spec) } satisfies OptimizerFile);
    await saveTokenizer(tokenizer, stage);
    await saveJson(stage, FILES.state, state);
  });
}

export interface Checkpoint {
  dir: string;
  state: CheckpointState;
  tokenizer: Tokenizer;
  /** Puts the checkpoint's weights and optimizer state into a model built with the same settings. */
  restore(model: tf.LayersModel): Promise<void>;
}

export async function loadCheckpoint(out: string): Promise<Checkpoint> {
  const dir = checkpointPath(out);
  await recoverDirectory(dir);
  const statePath = join(dir, FILES.state);
  const state = await readJsonFile<CheckpointState>(statePath).catch((err: unknown) => {
    if (err instanceof InputError && err.message.endsWith(': missing')) {
      throw new InputError(`no checkpoint to resume from (${statePath} is missing); train without --resume`, { file: out });
    }
    throw err;
  });
  if (state.format_version !== CHECKPOINT_FORMAT_VERSION) throw new InputError(`format_version ${state.format_version} is not one this version reads`, { file: statePath });
  const tokenizer = await loadTokenizer(dir);
  return {
    dir,
    state,
    tokenizer,
    async restore(model) {
      const saved = await loadLayersModel(dir);
      try {
        const want = model.weights.map((w) => `${w.originalName} ${w.shape.join('x')}`);
        const have = saved.weights.map((w) => `${w.originalName} ${w.shape.join('x')}`);
        if (want.join() !== have.join()) throw new InputError(`its weights (${have.join(', ')}) do not fit the model being resumed (${want.join(', ')})`, { file: join(dir, 'model.json') });
        model.setWeights(saved.getWeights());
      } finally {
        saved.dispose();
      }
      await model.optimizer.setWeights(await readOptimizerWeights(dir));
    },
  };
}

async function readOptimizerWeights(dir: string): Promise<{ name: string; tensor: tf.Tensor }[]> {
  const spec = await readJsonFile<OptimizerFile>(join(dir, FILES.optimizer));
  const path = join(dir, FILES.optimizerWeights);
  const bytes = await readFile(path).catch(() => {
    throw new InputError('missing', { file: path });
  });
  const expected = spec.weights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape) * tf.util.bytesPerElement(w.dtype), 0);
  if (bytes.byteLength !== expected) throw new InputError(`has ${bytes.byteLength} bytes, ${FILES.optimizer} declares ${expected}`, { file: path });
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let offset = 0;
  return spec.weights.map((w) => {
    const size = tf.util.sizeFromShape(w.shape);
    const values = w.dtype === 'int32' ? new Int32Array(buffer, offset, size) : new Float32Array(buffer, offset, size);
    offset += size * tf.util.bytesPerElement(w.dtype);
    return { name: w.name, tensor: tf.tensor(values, w.shape, w.dtype) };
  });
}
