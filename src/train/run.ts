/** `sentiment train`: data file in, model directory out. */
import { stat } from 'node:fs/promises';
import type { BatchingMode } from '../data/batches.ts';
import { InputError } from '../data/errors.ts';
import { NUM_CLASSES, labelCounts } from '../data/labels.ts';
import { prepareTrainingData } from '../data/prepare.ts';
import { withSeededMathRandom } from '../data/random.ts';
import { readPhraseTsv } from '../data/tsv.ts';
import { describeEngine, initEngine, type EngineInfo, type EngineRequest } from '../engine/engine.ts';
import { saveModelDirectory } from '../model/files.ts';
import { makeMeta } from '../model/meta.ts';
import { buildModel, SEED_RECIPE, type RecurrentActivation } from '../model/recipe.ts';
import { bestEpoch, type EpochLog } from './history.ts';
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
  // Data problems are reported before the engine starts.
  const table = await readPhraseTsv(opts.dataFile, { labelled: true });
  const data = prepareTrainingData(table.rows, { maxWords: opts.maxWords });
  const { trainRows, valRows } = splitRows(data.sequences.length, opts.validationSplit);
  if (trainRows.length === 0) throw new InputError(`--validation-split ${opts.validationSplit} leaves no training rows`, { file: opts.dataFile });

  const engine = await initEngine(opts.backend);
  reporter.onEngine?.(engine, describeEngine(engine));
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
      const meta = makeMeta({
        maxLen: data.maxLen,
        batching: opts.pad,
        numWords: opts.maxWords,
        recurrentActivation: opts.recurrentActivation,
        dataFile: opts.dataFile,
        dataSha256: table.sha256,
        engine: engine.name,
      });
      const files = await saveModelDirectory(opts.out, { model, tokenizer: data.tokenizer, history: { params, epochs: history }, meta });
      reporter.onSaved?.(opts.out, files);
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
