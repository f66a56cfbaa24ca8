/**
 * The checkpoint in `<out>/checkpoint/`, written after every epoch: the model's weights, Adam's
 * state, the tokenizer, and state.json (epochs done, their history, the run's settings and the data's
 * sha256). With the per-epoch seeds of the loop, that is all a resumed run needs to continue exactly.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BatchingMode } from '../data/batches.ts';
import { InputError } from '../data/errors.ts';
import type { Tokenizer } from '../data/tokenizer.ts';
import { writeFileAtomic } from '../model/atomic.ts';
import { pauseForTest, recoverDirectory, replaceDirectory } from '../model/atomic-dir.ts';
import type { RecurrentActivation } from '../model/recipe.ts';
import { checkedWeightData, loadLayersModel, loadTokenizer, readBinaryFile, readJsonFile, saveJson, saveLayersModel, saveTokenizer } from '../model/files.ts';
import type { EpochLog } from './history.ts';

export const CHECKPOINT_DIR = 'checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;
const FILES = { state: 'state.json', optimizer: 'optimizer.json', optimizerWeights: 'optimizer.bin' } as const;

/** The options that define a run: a resume must use the same ones. */
export const RUN_SETTING_KEYS = ['maxWords', 'embeddingDim', 'units', 'denseUnits', 'dropout', 'learningRate', 'seed', 'pad', 'recurrentActivation', 'validationSplit', 'batchSize', 'maxLen'] as const satisfies readonly (keyof RunSettings)[];

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
  weights: tf.io.WeightsManifestEntry[];
}

export const checkpointPath = (out: string) => join(out, CHECKPOINT_DIR);

export async function saveCheckpoint(out: string, model: tf.LayersModel, tokenizer: Tokenizer, state: CheckpointState): Promise<void> {
  const optimizer = await tf.io.encodeWeights(await model.optimizer.getWeights());
  await replaceDirectory(checkpointPath(out), async (stage) => {
    await saveLayersModel(model, stage);
    await pauseForTest();
    await writeFileAtomic(join(stage, FILES.optimizerWeights), new Uint8Array(optimizer.data));
    await saveJson(stage, FILES.optimizer, { weights: optimizer.specs } satisfies OptimizerFile);
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
  const { weights: specs } = await readJsonFile<OptimizerFile>(join(dir, FILES.optimizer));
  const path = join(dir, FILES.optimizerWeights);
  const tensors = tf.io.decodeWeights(checkedWeightData([await readBinaryFile(path)], specs, path, FILES.optimizer), specs);
  // In the order Adam wrote them: it restores its moments by position.
  return specs.map((s) => ({ name: s.name, tensor: tensors[s.name] }));
}
