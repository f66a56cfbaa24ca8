/** `sentiment train`: data file in, model directory out. */
import { mkdir, stat } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import type { BatchingMode } from '../data/batches.ts';
import { CLEANING_VERSION } from '../data/clean.ts';
import { InputError } from '../data/errors.ts';
import { LABEL_NAMES, NUM_CLASSES, labelCounts } from '../data/labels.ts';
import { prepareTrainingData } from '../data/prepare.ts';
import { withSeededMathRandom } from '../data/random.ts';
import { readPhraseTsv } from '../data/tsv.ts';
import { describeEngine, initEngine, type EngineInfo, type EngineRequest } from '../engine/engine.ts';
import { saveHistory, saveLayersModel, saveMeta, saveTokenizer } from '../model/files.ts';
import { META_FORMAT_VERSION, type ModelMeta } from '../model/meta.ts';
import { buildModel, SEED_RECIPE, type RecurrentActivation } from '../model/recipe.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { bestEpoch, type EpochLog, type HistoryFile } from './history.ts';
import { splitRows, trainModel, type TrainCallbacks } from './loop.ts';

export interface TrainRunOptions {
  dataFile: string;
  out: string;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  maxWords: number;
  embeddingDim: number;
  units: number;
  denseUnits: number;
  dropout: number;
  learningRate: number;
  seed: number;
  pad: BatchingMode;
  recurrentActivation: RecurrentActivation;
  backend: EngineRequest;
}

export const TRAIN_DEFAULTS: Omit<TrainRunOptions, 'dataFile'> = {
  out: 'models/sentiment',
  epochs: 8,
  batchSize: 512,
  validationSplit: 0.1,
  maxWords: SEED_RECIPE.maxWords,
  embeddingDim: SEED_RECIPE.embeddingDim,
  units: SEED_RECIPE.units,
  denseUnits: SEED_RECIPE.denseUnits,
  dropout: SEED_RECIPE.dropout,
  learningRate: SEED_RECIPE.learningRate,
  seed: 42,
  pad: 'group',
  recurrentActivation: SEED_RECIPE.recurrentActivation,
  backend: 'auto',
};

export interface DataSummary {
  file: string;
  rows: number;
  trainRows: number;
  valRows: number;
  vocabulary: number;
  maxLen: number;
  labelCounts: number[];
  truncated: number;
}

export interface TrainReporter extends TrainCallbacks {
  onEngine?(info: EngineInfo, line: string): void;
  onData?(summary: DataSummary): void;
  onModel?(params: number): void;
  onSaved?(dir: string, files: string[]): void;
}

export interface TrainResult {
  history: EpochLog[];
  best: EpochLog | null;
  out: string;
  engine: EngineInfo;
}

export async function runTraining(opts: TrainRunOptions, reporter: TrainReporter = {}): Promise<TrainResult> {
  await checkOutDir(opts.out);
  const engine = await initEngine(opts.backend);
  reporter.onEngine?.(engine, describeEngine(engine));

  const table = await readPhraseTsv(opts.dataFile, { labelled: true });
  const data = prepareTrainingData(table.rows, { maxWords: opts.maxWords });
  const { trainRows, valRows } = splitRows(data.sequences.length, opts.validationSplit);
  if (trainRows.length === 0) throw new InputError(`--validation-split ${opts.validationSplit} leaves no training rows`, { file: opts.dataFile });
  reporter.onData?.({
    file: opts.dataFile,
    rows: table.rows.length,
    trainRows: trainRows.length,
    valRows: valRows.length,
    vocabulary: data.tokenizer.wordIndex.size,
    maxLen: data.maxLen,
    labelCounts: labelCounts(data.labels),
    truncated: data.truncated,
  });

  const params = {
    data_file: opts.dataFile,
    epochs: opts.epochs,
    batch_size: opts.batchSize,
    validation_split: opts.validationSplit,
    max_words: opts.maxWords,
    embedding_dim: opts.embeddingDim,
    units: opts.units,
    dense_units: opts.denseUnits,
    dropout: opts.dropout,
    learning_rate: opts.learningRate,
    seed: opts.seed,
    pad: opts.pad,
    recurrent_activation: opts.recurrentActivation,
    max_len: data.maxLen,
    engine: engine.name,
  };

  return withSeededMathRandom(opts.seed, async () => {
    const model = buildModel({
      ...SEED_RECIPE,
      maxWords: opts.maxWords,
      embeddingDim: opts.embeddingDim,
      units: opts.units,
      denseUnits: opts.denseUnits,
      dropout: opts.dropout,
      learningRate: opts.learningRate,
      recurrentActivation: opts.recurrentActivation,
      inputLength: opts.pad === 'max' ? data.maxLen : null,
    });
    reporter.onModel?.(model.countParams());
    try {
      const history = await trainModel(
        model,
        { sequences: data.sequences, labels: data.labels },
        { epochs: opts.epochs, batchSize: opts.batchSize, validationSplit: opts.validationSplit, batching: opts.pad, maxLen: data.maxLen, numClasses: NUM_CLASSES, seed: opts.seed },
        reporter,
      );
      const meta: ModelMeta = {
        format_version: META_FORMAT_VERSION,
        labels: LABEL_NAMES.map((_, i) => i),
        label_names: [...LABEL_NAMES],
        max_len: data.maxLen,
        batching: opts.pad,
        cleaning_version: CLEANING_VERSION,
        num_words: opts.maxWords,
        recurrent_activation: opts.recurrentActivation,
        data_file: opts.dataFile,
        data_sha256: table.sha256,
        engine: engine.name,
        package_version: PACKAGE_VERSION,
        tfjs_version: tf.version.tfjs,
        created: new Date().toISOString(),
      };
      const historyFile: HistoryFile = { params, epochs: history };
      await mkdir(opts.out, { recursive: true });
      await saveLayersModel(model, opts.out);
      await saveTokenizer(data.tokenizer, opts.out);
      await saveHistory(historyFile, opts.out);
      await saveMeta(meta, opts.out);
      reporter.onSaved?.(opts.out, ['model.json', 'weights.bin', 'tokenizer.json', 'history.json', 'meta.json']);
      return { history, best: bestEpoch(history), out: opts.out, engine };
    } finally {
      model.dispose();
    }
  });
}

async function checkOutDir(out: string): Promise<void> {
  try {
    const s = await stat(out);
    if (!s.isDirectory()) throw new InputError('--out points at an existing file; give a directory', { file: out });
  } catch (err) {
    if (err instanceof InputError) throw err;
  }
}
