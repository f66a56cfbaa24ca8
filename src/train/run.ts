/** `sentiment train`: data file in, model directory out. */
import { stat } from 'node:fs/promises';
import { LABEL_NAMES, NUM_CLASSES, labelCounts } from '../data/labels.ts';
import { prepareTrainingData } from '../data/prepare.ts';
import { withSeededMathRandom } from '../data/random.ts';
import { splitRows } from '../data/split.ts';
import { readPhraseTsv } from '../data/tsv.ts';
import { describeEngine, initEngine, type EngineInfo, type EngineRequest } from '../engine/engine.ts';
import { InputError, ResumeMismatchError, SettingError } from '../errors.ts';
import type { StagedHook } from '../fs/atomic-dir.ts';
import { saveModelDirectory } from '../model/directory.ts';
import { bestEpoch, type EpochLog } from '../model/history.ts';
import { makeMeta } from '../model/meta.ts';
import { buildModel } from '../model/recipe.ts';
import { RecipeMember } from '../model/recipe-member.ts';
import { FIXED_ON_RESUME, settingsToJson, type RunSettings, type SettingKey } from '../settings.ts';
import { checkpointPath, CHECKPOINT_FORMAT_VERSION, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.ts';
import { trainModel, type TrainCallbacks } from './loop.ts';

export interface TrainRunOptions extends RunSettings {
  dataFile: string;
  out: string;
  backend: EngineRequest;
  /** Continue from the checkpoint in `out`. */
  resume?: boolean;
  /**
   * With `resume`: the settings the user chose. Those not chosen take the checkpoint's values; chosen
   * ones must equal them.
   */
  explicit?: ReadonlySet<SettingKey>;
  /** Aborting it stops training after the current batch (the last epoch's checkpoint stays). */
  signal?: AbortSignal;
  /** Called after each file a save stages (the model directory's and the checkpoint's). */
  onStaged?: StagedHook;
}

export interface DataSummary {
  file: string;
  rows: number;
  trainRows: number;
  valRows: number;
  vocabulary: number;
  maxLen: number;
  labelCounts: number[];
  labelNames: readonly string[];
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
  /** The settings the run used (a resumed run's come from its checkpoint). */
  settings: RunSettings;
}

export async function runTraining(opts: TrainRunOptions, reporter: TrainReporter = {}): Promise<TrainResult> {
  await checkOutDir(opts.out);
  // Data and checkpoint problems are reported before the engine starts.
  const table = await readPhraseTsv(opts.dataFile, { labelled: true });
  const labels = table.rows.map((r) => r.sentiment);
  checkLabels(labels, opts.dataFile);
  const checkpoint = opts.resume ? await loadCheckpoint(opts.out) : null;
  const requested = checkpoint ? resumeSettings(opts, checkpoint, table.sha256) : pickSettings(opts);
  const data = prepareTrainingData(
    table.rows.map((r) => r.phrase),
    labels,
    { maxWords: requested.maxWords, maxLen: requested.maxLen, tokenizer: checkpoint?.tokenizer },
  );
  const settings: RunSettings = { ...requested, maxLen: data.maxLen };
  const { trainRows, valRows } = splitRows(data.sequences.length, settings.validationSplit);
  if (trainRows.length === 0) throw new SettingError('validationSplit', 'leaves no training rows', { given: settings.validationSplit, where: { file: opts.dataFile } });

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
    labelNames: LABEL_NAMES,
    truncated: data.truncated,
    longestPhrase: data.longestPhrase,
  });

  return withSeededMathRandom(settings.seed, async () => {
    const model = buildModel(settings, { numClasses: NUM_CLASSES, inputLength: settings.pad === 'max' ? data.maxLen : null });
    try {
      if (checkpoint) {
        if (model.countParams() !== checkpoint.state.param_count) {
          throw new InputError(`the checkpoint's model has ${checkpoint.state.param_count} parameters, these settings make ${model.countParams()}`, { file: checkpoint.dir });
        }
        await checkpoint.restore(model);
        reporter.onResume?.(checkpoint.state.epoch, settings.epochs);
      }
      reporter.onModel?.(model.countParams());
      const saveEpoch = async (history: EpochLog[]) => {
        await saveCheckpoint(
          opts.out,
          model,
          data.tokenizer,
          {
            format_version: CHECKPOINT_FORMAT_VERSION,
            epoch: history.length,
            history,
            settings: settingsToJson(settings),
            data_file: opts.dataFile,
            data_sha256: table.sha256,
            param_count: model.countParams(),
            engine: engine.name,
            saved: new Date().toISOString(),
          },
          opts.onStaged,
        );
      };
      const outcome = await trainModel(
        model,
        { sequences: data.sequences, labels: data.labels },
        { epochs: settings.epochs, batchSize: settings.batchSize, validationSplit: settings.validationSplit, batching: settings.pad, maxLen: data.maxLen, numClasses: NUM_CLASSES, seed: settings.seed, history: checkpoint?.state.history, signal: opts.signal },
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
        settings,
      };
      if (outcome.stopped) return { ...result, interrupted: String(opts.signal?.reason ?? 'aborted') };
      const member = new RecipeMember(model, data.tokenizer, { maxLen: data.maxLen, batching: settings.pad });
      const meta = makeMeta({ labelNames: LABEL_NAMES, members: [member.entry('.')], settings, dataFile: opts.dataFile, dataSha256: table.sha256, engine: engine.name });
      const files = await saveModelDirectory(opts.out, { members: [{ member, path: '.' }], history: { settings: settingsToJson(settings), epochs: outcome.history }, meta }, opts.onStaged);
      reporter.onSaved?.(opts.out, files);
      return { ...result, interrupted: null };
    } finally {
      model.dispose();
    }
  });
}

function pickSettings(o: RunSettings): RunSettings {
  return {
    epochs: o.epochs,
    batchSize: o.batchSize,
    validationSplit: o.validationSplit,
    maxWords: o.maxWords,
    embeddingDim: o.embeddingDim,
    units: o.units,
    denseUnits: o.denseUnits,
    dropout: o.dropout,
    learningRate: o.learningRate,
    seed: o.seed,
    pad: o.pad,
    recurrentActivation: o.recurrentActivation,
    maxLen: o.maxLen,
  };
}

/** A classifier needs two classes; one label in the whole file is a wrong file or a wrong column. */
function checkLabels(labels: number[], file: string): void {
  const distinct = new Set(labels);
  if (distinct.size === 1) {
    const [only] = distinct;
    throw new InputError(`every row has Sentiment ${only} (${LABEL_NAMES[only] ?? only}); training needs at least two different labels`, { file });
  }
}

/** The checkpoint's settings (the epochs to reach aside), refused where the user chose others or gave other data. */
function resumeSettings(opts: TrainRunOptions, checkpoint: Checkpoint, sha256: string): RunSettings {
  const { state, settings } = checkpoint;
  if (state.data_sha256 !== sha256) {
    throw new SettingError('resume', `this file's sha256 (${sha256.slice(0, 12)}…) differs from the data the checkpoint was trained on (${state.data_file}, ${state.data_sha256.slice(0, 12)}…)`, { where: { file: opts.dataFile } });
  }
  const explicit = opts.explicit ?? new Set<SettingKey>();
  const differ = FIXED_ON_RESUME.filter((k) => explicit.has(k) && opts[k] !== null && opts[k] !== settings[k]);
  if (differ.length > 0) throw new ResumeMismatchError(differ.map((k) => ({ setting: k, given: opts[k], checkpoint: settings[k] })), checkpointPath(opts.out));
  if (opts.epochs < state.epoch) {
    throw new SettingError('epochs', `the checkpoint has ${state.epoch} epochs done, more than the ${opts.epochs} asked for`, { where: { file: checkpointPath(opts.out) } });
  }
  return { ...settings, epochs: opts.epochs };
}

async function checkOutDir(out: string): Promise<void> {
  const s = await stat(out).catch(() => null);
  if (s && !s.isDirectory()) throw new SettingError('out', 'points at an existing file; give a directory', { given: out });
}
