/**
 * The checkpoint in `<out>/checkpoint/`, written after every epoch: the model's weights, Adam's
 * state, the tokenizer, and state.json (epochs done, their history, the run's settings, the data's
 * sha256 and its validation file's and teacher's). With the per-epoch seeds of the loop, that is all a
 * resumed run needs to continue exactly.
 */
import { join } from 'node:path';
import * as tf from '../engine/tf.ts';
import type { Tokenizer } from '../data/tokenizer.ts';
import { InputError, SettingError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { recoverDirectory, replaceDirectory, type StagedHook } from '../fs/atomic-dir.ts';
import { readBinaryFile, readJsonFile } from '../fs/read.ts';
import { loadTokenizer, MODEL_FILES, saveJson, saveTokenizer } from '../model/files.ts';
import { checkedWeightData, loadLayersModel, saveLayersModel } from '../model/layers-files.ts';
import type { EpochLog } from '../model/history.ts';
import { settingsFromJson, type RunSettings, type RunSettingsJson } from '../settings.ts';
import { isSha256 } from '../model/tokenizer-facts.ts';

export const CHECKPOINT_DIR = 'checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 2;
const FILES = {
  state: 'state.json',
  optimizer: 'optimizer.json',
  optimizerWeights: 'optimizer.bin',
  best: 'best.json',
  bestWeights: 'best.bin',
} as const;

/** What a run learns from besides its data file: the validation file's bytes, the teacher's meta.json (which lists its files' sha256). */
export interface InputDigests {
  validation_file?: string;
  teacher?: string;
}

export interface CheckpointState {
  format_version: number;
  /** Epochs completed. */
  epoch: number;
  history: EpochLog[];
  settings: RunSettingsJson;
  data_file: string;
  data_sha256: string;
  /**
   * The sha256 of what else the run learns from (InputDigests): a resume refuses to go on from other
   * ones. Absent in checkpoints written before it was recorded, which are not checked.
   */
  inputs_sha256?: InputDigests;
  param_count: number;
  engine: string;
  saved: string;
  /** The best epoch so far by the run's monitor; its weights are in best.bin (version 1 kept none). */
  best_epoch?: number | null;
}

interface WeightsFile {
  weights: tf.io.WeightsManifestEntry[];
}

/** The weights of the best epoch so far, in the model's weight order. */
export interface BestWeights {
  epoch: number;
  weights: tf.Tensor[];
}

export const checkpointPath = (out: string) => join(out, CHECKPOINT_DIR);

export async function saveCheckpoint(
  out: string,
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  state: CheckpointState,
  best: BestWeights | null,
  onStaged?: StagedHook,
): Promise<void> {
  const optimizer = await model.optimizer.getWeights();
  await replaceDirectory(checkpointPath(out), async (stage) => {
    await saveLayersModel(model, stage);
    await onStaged?.(MODEL_FILES.weights);
    await writeWeights(stage, FILES.optimizerWeights, FILES.optimizer, optimizer);
    if (best)
      await writeWeights(
        stage,
        FILES.bestWeights,
        FILES.best,
        best.weights.map((tensor, i) => ({ name: String(i), tensor })),
      );
    await saveTokenizer(tokenizer, stage);
    await saveJson(stage, FILES.state, { ...state, best_epoch: best?.epoch ?? null });
  });
}

/**
 * Named tensors as tfjs' encodeWeights lays them out (each one's bytes in turn, its manifest entry
 * beside), written one tensor at a time: encoding them whole held two copies of the optimizer's state
 * (~43 MB for the seed) at every epoch's end, the top of a training run's memory.
 */
export async function writeWeights(
  stage: string,
  dataFile: string,
  specFile: string,
  named: { name: string; tensor: tf.Tensor }[],
): Promise<void> {
  if (named.some(({ tensor }) => tensor.dtype !== 'float32' && tensor.dtype !== 'int32')) {
    const encoded = await tf.io.encodeWeights(named);
    await writeFileAtomic(join(stage, dataFile), new Uint8Array(encoded.data));
    await saveJson(stage, specFile, { weights: encoded.specs } satisfies WeightsFile);
    return;
  }
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for (const { tensor } of named) {
      const values = (await tensor.data()) as Float32Array | Int32Array;
      yield new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    }
  }
  await writeFileAtomic(join(stage, dataFile), bytes());
  const specs = named.map(({ name, tensor }) => ({ name, shape: tensor.shape, dtype: tensor.dtype }));
  await saveJson(stage, specFile, { weights: specs } satisfies WeightsFile);
}

export interface Checkpoint {
  dir: string;
  state: CheckpointState;
  /** The state's settings, checked and typed. */
  settings: RunSettings;
  tokenizer: Tokenizer;
  /** Puts the checkpoint's weights and optimizer state into a model built with the same settings. */
  restore(model: tf.LayersModel): Promise<void>;
  /** The best epoch's weights, where the checkpoint kept them. */
  best(): Promise<BestWeights | null>;
}

export async function loadCheckpoint(out: string): Promise<Checkpoint> {
  const dir = checkpointPath(out);
  await recoverDirectory(dir);
  const statePath = join(dir, FILES.state);
  const state = await readJsonFile<CheckpointState>(statePath).catch((err: unknown) => {
    if (err instanceof InputError && err.message.endsWith(': missing')) {
      throw new SettingError(
        'resume',
        `no checkpoint to resume from (${statePath} is missing); start a new run instead`,
        { where: { file: out } },
      );
    }
    throw err;
  });
  checkState(state, statePath);
  const settings = settingsFromJson(state.settings, statePath);
  const tokenizer = await loadTokenizer(dir);
  return {
    dir,
    state,
    settings,
    tokenizer,
    async restore(model) {
      const saved = await loadLayersModel(dir);
      try {
        const want = model.weights.map((w) => `${w.originalName} ${w.shape.join('x')}`);
        const have = saved.weights.map((w) => `${w.originalName} ${w.shape.join('x')}`);
        if (want.join() !== have.join())
          throw new InputError(
            `its weights (${have.join(', ')}) do not fit the model being resumed (${want.join(', ')})`,
            { file: join(dir, 'model.json') },
          );
        model.setWeights(saved.getWeights());
      } finally {
        saved.dispose();
      }
      const moments = await readWeights(dir, FILES.optimizer, FILES.optimizerWeights);
      try {
        await model.optimizer.setWeights(moments);
      } finally {
        // The optimizer's variables hold their own reference: these would only leak, and keep Adam's update out of place.
        tf.dispose(moments.map((w) => w.tensor));
      }
    },
    async best() {
      if (typeof state.best_epoch !== 'number') return null;
      const weights = await readWeights(dir, FILES.best, FILES.bestWeights);
      return { epoch: state.best_epoch, weights: weights.map((w) => w.tensor) };
    },
  };
}

/** Version 1 kept the settings camelCase; both read the same. */
function checkState(state: CheckpointState, file: string): void {
  const bad = (what: string) => new InputError(what, { file });
  if (state === null || typeof state !== 'object') throw bad('expected a JSON object');
  if (state.format_version !== 1 && state.format_version !== CHECKPOINT_FORMAT_VERSION)
    throw bad(`format_version ${state.format_version} is not one this version reads`);
  if (!Number.isInteger(state.epoch) || state.epoch < 0) throw bad('epoch is missing or not a whole number');
  if (!Array.isArray(state.history) || state.history.length !== state.epoch)
    throw bad('history is missing or does not have one entry per epoch done');
  if (typeof state.data_sha256 !== 'string' || typeof state.data_file !== 'string')
    throw bad('data_file or data_sha256 is missing');
  if (!Number.isInteger(state.param_count)) throw bad('param_count is missing');
  const inputs = state.inputs_sha256;
  if (
    inputs !== undefined &&
    (inputs === null ||
      typeof inputs !== 'object' ||
      Array.isArray(inputs) ||
      Object.entries(inputs).some(([k, v]) => !(k === 'validation_file' || k === 'teacher') || !isSha256(v)))
  )
    throw bad('inputs_sha256 must map validation_file and teacher to sha256 digests');
}

/** Weights written with tf.io.encodeWeights, in the order they were written (Adam restores its moments by position). */
async function readWeights(
  dir: string,
  specsFile: string,
  dataFile: string,
): Promise<{ name: string; tensor: tf.Tensor }[]> {
  const { weights: specs } = await readJsonFile<WeightsFile>(join(dir, specsFile));
  const path = join(dir, dataFile);
  const tensors = tf.io.decodeWeights(checkedWeightData([await readBinaryFile(path)], specs, path, specsFile), specs);
  return specs.map((s) => ({ name: s.name, tensor: tensors[s.name] }));
}
