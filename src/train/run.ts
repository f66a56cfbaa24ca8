/** `sentiment train`: data file in, model directory out. */
import { stat } from 'node:fs/promises';
import type { BatchingMode } from '../data/batches.ts';
import { InputError } from '../data/errors.ts';
import { LABEL_NAMES, NUM_CLASSES, labelCounts } from '../data/labels.ts';
import { prepareTrainingData } from '../data/prepare.ts';
import { withSeededMathRandom } from '../data/random.ts';
import { readPhraseTsv } from '../data/tsv.ts';
import { describeEngine, initEngine, type EngineInfo, type EngineRequest } from '../engine/engine.ts';
import { saveModelDirectory } from '../model/files.ts';
import { makeMeta } from '../model/meta.ts';
import { buildModel, SEED_RECIPE, type RecurrentActivation } from '../model/recipe.ts';
import { checkpointPath, CHECKPOINT_FORMAT_VERSION, loadCheckpoint, RUN_SETTING_KEYS, saveCheckpoint, type CheckpointState, type RunSettings } from './checkpoint.ts';
import { bestEpoch, type EpochLog } from './history.ts';
import { splitRows, trainModel, type TrainCallbacks } from './loop.ts';

export interface TrainRunOptions extends Omit<RunSettings, 'maxLen'> {
  dataFile: string;
  out: string;
  epochs: number;
  /** Longest input; null: the longest phrase, at most MAX_LEN_CAP. Longer phrases are cut 'pre'. */
  maxLen: number | null;
  backend: EngineRequest;
  /** Continue from the checkpoint in `out`. */
  resume?: boolean;
  /**
   * With `resume`: the options the user gave. Those not given take the checkpoint's values; given
   * ones must equal them.
   */
  explicit?: ReadonlySet<keyof RunSettings>;
  /** Aborting it stops training after the current batch (the last epoch's checkpoint stays). */
  signal?: AbortSignal;
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
  maxLen: null,
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
  longestPhrase: number;
}

export interface TrainReporter extends TrainCallbacks {
  onEngine?(info: EngineInfo, line: string): void;
  onData?(summary: DataSummary): void;
  onModel?(params: number): void;
  onSaved?(dir: string, files: string[]): void;
  /** Training continues after `done` of `epochs` epochs. */
  onResume?(done: number, epochs: number): void;
}

export interface TrainResult {
  history: EpochLog[];
  best: EpochLog | null;
  out: string;
  engine: EngineInfo;
  /** Set when a signal stopped training: the model directory was not written, the checkpoint holds `completedEpochs`. */
  interrupted: string | null;
  completedEpochs: number;
  checkpoint: string | null;
}

export async function runTraining(opts: TrainRunOptions, reporter: TrainReporter = {}): Promise<TrainResult> {
  await checkOutDir(opts.out);
  // Data and checkpoint problems are reported before the engine starts.
  const table = await readPhraseTsv(opts.dataFile, { labelled: true });
  checkLabels(table.rows.map((r) => r.sentiment ?? -1), opts.dataFile);
  const checkpoint = opts.resume ? await loadCheckpoint(opts.out) : null;
  const settings = checkpoint ? resumeSettings(opts, checkpoint.state, table.sha256) : null;
  const run: TrainRunOptions = settings ? { ...opts, ...settings } : opts;
  const data = prepareTrainingData(table.rows, { maxWords: run.maxWords, maxLen: run.maxLen, tokenizer: checkpoint?.tokenizer });
  const { trainRows, valRows } = splitRows(data.sequences.length, run.validationSplit);
  if (trainRows.length === 0) throw new InputError(`--validation-split ${run.validationSplit} leaves no training rows`, { file: opts.dataFile });

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
    longestPhrase: data.longestPhrase,
  });
  const runSettings: RunSettings = { ...pick(run, RUN_SETTING_KEYS), maxLen: data.maxLen };
  const params = { data_file: opts.dataFile, epochs: run.epochs, ...snakeCase(runSettings), engine: engine.name };

  return withSeededMathRandom(run.seed, async () => {
    const model = buildModel({
      ...SEED_RECIPE,
      maxWords: run.maxWords,
      embeddingDim: run.embeddingDim,
      units: run.units,
      denseUnits: run.denseUnits,
      dropout: run.dropout,
      learningRate: run.learningRate,
      recurrentActivation: run.recurrentActivation,
      inputLength: run.pad === 'max' ? data.maxLen : null,
    });
    try {
      if (checkpoint) {
        if (model.countParams() !== checkpoint.state.param_count) {
          throw new InputError(`the checkpoint's model has ${checkpoint.state.param_count} parameters, these settings make ${model.countParams()}`, { file: checkpoint.dir });
        }
        await checkpoint.restore(model);
        reporter.onResume?.(checkpoint.state.epoch, run.epochs);
      }
      reporter.onModel?.(model.countParams());
      const saveEpoch = async (history: EpochLog[]) => {
        await saveCheckpoint(opts.out, model, data.tokenizer, {
          format_version: CHECKPOINT_FORMAT_VERSION,
          epoch: history.length,
          history,
          settings: runSettings,
          data_file: opts.dataFile,
          data_sha256: table.sha256,
          param_count: model.countParams(),
          engine: engine.name,
          saved: new Date().toISOString(),
        });
      };
      const outcome = await trainModel(
        model,
        { sequences: data.sequences, labels: data.labels },
        { epochs: run.epochs, batchSize: run.batchSize, validationSplit: run.validationSplit, batching: run.pad, maxLen: data.maxLen, numClasses: NUM_CLASSES, seed: run.seed, history: checkpoint?.state.history, signal: opts.signal },
        {
          ...reporter,
          onEpochEnd: async (log, history) => {
            await reporter.onEpochEnd?.(log, history);
            await saveEpoch([...history]);
          },
        },
      );
      const result = {
        history: outcome.history,
        best: bestEpoch(outcome.history),
        out: opts.out,
        engine,
        completedEpochs: outcome.history.length,
        checkpoint: outcome.history.length > 0 ? checkpointPath(opts.out) : null,
      };
      if (outcome.stopped) return { ...result, interrupted: String(opts.signal?.reason ?? 'aborted') };
      const meta = makeMeta({
        maxLen: data.maxLen,
        batching: run.pad,
        numWords: run.maxWords,
        recurrentActivation: run.recurrentActivation,
        dataFile: opts.dataFile,
        dataSha256: table.sha256,
        engine: engine.name,
      });
      const files = await saveModelDirectory(opts.out, { model, tokenizer: data.tokenizer, history: { params, epochs: outcome.history }, meta });
      reporter.onSaved?.(opts.out, files);
      return { ...result, interrupted: null };
    } finally {
      model.dispose();
    }
  });
}

/** A classifier needs two classes; one label in the whole file is a wrong file or a wrong column. */
function checkLabels(labels: number[], file: string): void {
  const distinct = new Set(labels);
  if (distinct.size === 1) {
    const [only] = distinct;
    throw new InputError(`every row has Sentiment ${only} (${LABEL_NAMES[only] ?? only}); training needs at least two different labels`, { file });
  }
}

/** The checkpoint's settings, with a clear refusal where the user asked for different ones or gave other data. */
function resumeSettings(opts: TrainRunOptions, state: CheckpointState, sha256: string): RunSettings {
  if (state.data_sha256 !== sha256) {
    throw new InputError(`--resume: this file's sha256 (${sha256.slice(0, 12)}…) differs from the data the checkpoint was trained on (${state.data_file}, ${state.data_sha256.slice(0, 12)}…)`, { file: opts.dataFile });
  }
  const explicit = opts.explicit ?? new Set<keyof RunSettings>();
  const differ = RUN_SETTING_KEYS.filter((k) => explicit.has(k) && opts[k] !== null && opts[k] !== state.settings[k]);
  if (differ.length > 0) {
    const list = differ.map((k) => `${flagName(k)} ${String(opts[k])} (checkpoint: ${String(state.settings[k])})`).join(', ');
    throw new InputError(`--resume: ${list}; a resumed run keeps the checkpoint's settings (drop these flags)`, { file: checkpointPath(opts.out) });
  }
  if (opts.epochs < state.epoch) {
    throw new InputError(`--resume: the checkpoint has ${state.epoch} epochs done, more than --epochs ${opts.epochs}`, { file: checkpointPath(opts.out) });
  }
  return state.settings;
}

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function pick<T, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

function snakeCase(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

async function checkOutDir(out: string): Promise<void> {
  try {
    const s = await stat(out);
    if (!s.isDirectory()) throw new InputError('--out points at an existing file; give a directory', { file: out });
  } catch (err) {
    if (err instanceof InputError) throw err;
  }
}
