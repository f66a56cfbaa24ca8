/** `sentiment train`: data file in, model directory out. */
import { rmdir, stat } from 'node:fs/promises';
import * as tf from '../engine/tf.ts';
import { classesOf, indexLabels, labelCounts, type Classes } from '../data/labels.ts';
import { prepareTrainingData, type PreparedData } from '../data/prepare.ts';
import { makeRng } from '../data/random.ts';
import { foldSplit, heldOutRows, range, type RowSplit } from '../data/split.ts';
import { readTable } from '../data/table.ts';
import { resolveEmbeddings } from '../data/vectors.ts';
import { describeEngine, startEngine, type Engine, type EngineInfo, type EngineRequest } from '../engine/engine.ts';
import { ResumeMismatchError, SettingError } from '../errors.ts';
import type { StagedHook } from '../fs/atomic-dir.ts';
import { lockDirectory } from '../fs/lock.ts';
import { checkOutputDirectory } from '../fs/output-dir.ts';
import { checkInputFile } from '../fs/read.ts';
import { BILSTM_DEFAULTS, buildBiLstm } from '../model/bilstm.ts';
import type { Blend } from '../model/blend.ts';
import { isModelEntry, saveModelDirectory } from '../model/directory.ts';
import { loadLayersModel } from '../model/layers-files.ts';
import type { EpochLog } from '../model/history.ts';
import type { Member, MemberKind } from '../model/member.ts';
import { PhraseMemory } from '../model/memory.ts';
import { makeMeta } from '../model/meta.ts';
import { buildModel, compileModel } from '../model/recipe.ts';
import { scoreProbabilities } from '../model/scores.ts';
import {
  applyPreset,
  FIXED_ON_RESUME,
  SETTING_KEYS,
  settingsToJson,
  type RunSettings,
  type SettingKey,
} from '../settings.ts';
import { fitBlend } from './blend.ts';
import { checkpointPath, loadCheckpoint, type Checkpoint } from './checkpoint.ts';
import { NGRAM_TRAINING, trainNgram, type NgramProgress } from './ngram.ts';
import {
  trainRecurrentMember,
  type LstmCallbacks,
  type LstmOutcome,
  type LstmTraining,
  type SequenceData,
} from './recurrent-member.ts';
import { prepareVectors, sequencesOf, type VectorsProgress } from './vectors.ts';

export interface TrainRunOptions extends RunSettings {
  dataFile: string;
  out: string;
  backend: EngineRequest;
  /** Let TensorFlow's C++ log lines through (the tensorflow engine; off by default). */
  nativeLogs?: boolean;
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
  /** Cross-validation: the number of folds (trainRows and valRows are then the first fold's). */
  folds?: number;
  rows: number;
  trainRows: number;
  valRows: number;
  vocabulary: number;
  maxLen: number;
  labelCounts: number[];
  /** Each class's label as written, and its name. */
  labels: readonly string[];
  labelNames: readonly string[];
  truncated: number;
  longestPhrase: number;
}

export interface TrainReporter extends LstmCallbacks {
  onEngine?(info: EngineInfo, line: string): void;
  onData?(summary: DataSummary): void;
  /** A member's training begins: its kind and the epochs it may train (its own preset's in an ensemble). */
  onMember?(kind: MemberKind, epochs: number): void;
  /** The n-gram member's training (ensemble): the vectoriser, then its epochs. */
  onNgram?(progress: NgramProgress): void;
  /** Reading the pretrained vectors. */
  onVectors?(progress: VectorsProgress): void;
  /** The vocabulary of the member on pretrained vectors. */
  onVocabulary?(v: {
    words: number;
    covered: number;
    added: number;
    dims: number;
    fileWords: number;
    source: string;
  }): void;
  onSaved?(dir: string, files: string[]): void;
  /** Something about the data the user should know before training. */
  onWarning?(warning: DataWarning): void;
}

/** A member's (or the blend's) scores on the validation rows. */
export interface MemberScore {
  kind: string;
  valAcc: number | null;
  valLoss: number | null;
}

export interface TrainResult {
  history: EpochLog[];
  /** The best epoch by the monitor. */
  best: EpochLog | null;
  /** The epoch whose weights the model directory holds (the best, or the last with keep 'last'). */
  kept: EpochLog | null;
  /** Training ended early: `earlyStop` epochs passed without a new best. */
  stoppedEarly: boolean;
  out: string;
  engine: EngineInfo;
  /** Set when a signal stopped training: the model directory was not written, the checkpoint holds `completedEpochs`. */
  interrupted: string | null;
  completedEpochs: number;
  checkpoint: string | null;
  /** The settings the run used (a resumed run's come from its checkpoint). */
  settings: RunSettings;
  /** Each member's validation scores, then the blend's (with more than one member). */
  scores: MemberScore[];
  blend: Blend | null;
  /** Training phrases the phrase memory holds (0 without one). */
  memoryPhrases: number;
}

/** What every run starts from: the data read and encoded, the settings resolved, the engine started. */
interface Prepared {
  /** The training file's sha256 (what a checkpoint and `evaluate --validation` check). */
  sha256: string;
  classes: Classes;
  /** Each row's group (the file's group column, else its own line), for folds. */
  groups: string[];
  data: PreparedData;
  settings: RunSettings & { maxLen: number };
  checkpoint: Checkpoint | null;
  engine: Engine;
}

/** How the rows split: the validation file's rows, a shuffled share, the last share (at a group boundary with a group column), or a fold. */
type SplitRule = (p: { rows: number; fileRows: number; groups: string[]; settings: RunSettings }) => RowSplit;

async function prepare(
  opts: TrainRunOptions,
  reporter: TrainReporter,
  split: SplitRule,
  folds?: number,
): Promise<Prepared & { split: RowSplit }> {
  // Data and checkpoint problems are reported before the engine starts.
  const checkpoint = opts.resume ? await loadCheckpoint(opts.out) : null;
  const requested = checkpoint ? resumeSettings(opts, checkpoint) : pickSettings(opts);
  const read = (file: string) =>
    readTable(file, {
      labelled: true,
      format: requested.format ?? undefined,
      columns: {
        text: requested.textColumn ?? undefined,
        label: requested.labelColumn ?? undefined,
        group: requested.groupColumn ?? undefined,
      },
    });
  const table = await read(opts.dataFile);
  if (checkpoint) checkSameData(checkpoint, table.sha256, opts.dataFile);
  const classes = classesOf(table, requested.labels ?? undefined);
  const validation = requested.validationFile ? await read(requested.validationFile) : null;
  const valIndex = validation ? indexLabels(validation.rows, classes, validation.path) : new Int32Array(0);
  await checkEmbeddings(requested, checkpoint !== null);
  const rows = [...table.rows, ...(validation?.rows ?? [])];
  const labels = Int32Array.from([...classes.index, ...valIndex]);
  const data = prepareTrainingData(
    rows.map((r) => r.text),
    labels,
    {
      maxWords: requested.maxWords,
      maxLen: requested.maxLen,
      tokenizer: checkpoint?.tokenizer,
      fitRows: table.rows.length,
    },
  );
  const settings = { ...requested, maxLen: data.maxLen };
  const groups = rows.map((r) => r.group ?? `line ${r.line}`);
  const rowSplit = split({ rows: rows.length, fileRows: table.rows.length, groups, settings });
  if (rowSplit.trainRows.length === 0)
    throw new SettingError('validationSplit', 'leaves no training rows', {
      given: settings.validationSplit,
      where: { file: opts.dataFile },
    });
  const warning = sortedByLabel(labels, rowSplit, classes, settings);
  if (warning) reporter.onWarning?.(warning);

  const engine = await startEngine(opts.backend, { work: 'train', nativeLogs: opts.nativeLogs });
  reporter.onEngine?.(engine.info, describeEngine(engine.info));
  reporter.onData?.({
    file: opts.dataFile,
    folds,
    rows: rows.length,
    trainRows: rowSplit.trainRows.length,
    valRows: rowSplit.valRows.length,
    vocabulary: data.tokenizer.wordIndex.size,
    maxLen: data.maxLen,
    labelCounts: labelCounts(data.labels, classes.labels.length),
    labelNames: classes.names,
    labels: classes.labels,
    truncated: data.truncated,
    longestPhrase: data.longestPhrase,
  });
  return { sha256: table.sha256, classes, groups, data, settings, checkpoint, engine, split: rowSplit };
}

/** The default rule: the validation file's rows, else the last (or a shuffled) share of the file's rows. */
const validationRule: SplitRule = ({ rows, fileRows, groups, settings }) =>
  settings.validationFile
    ? { trainRows: range(0, fileRows), valRows: range(fileRows, rows) }
    : heldOutRows(groups, settings);

/** The validation rows (the last ones) all have one label: the file is likely sorted by label. */
export interface DataWarning {
  kind: 'sorted-by-label';
  label: string;
  rows: number;
}

/** A file sorted by label puts one class in the last rows: the validation rows then say nothing of the others. */
function sortedByLabel(
  labels: Int32Array,
  split: RowSplit,
  classes: Classes,
  settings: RunSettings,
): DataWarning | null {
  if (settings.validationFile || settings.shuffleSplit || split.valRows.length === 0) return null;
  const valClasses = new Set(Array.from(split.valRows, (r) => labels[r]));
  if (valClasses.size > 1 || classes.labels.length < 2) return null;
  const [only] = valClasses;
  return { kind: 'sorted-by-label', label: classes.labels[only], rows: split.valRows.length };
}

interface TrainedMembers {
  /** The first member's training (the one with a checkpoint): its epochs make history.json. */
  primary: LstmOutcome;
  /** Each member with its directory in the model directory; empty when a signal stopped training. */
  members: { member: Member; path: string }[];
  scores: MemberScore[];
  blend: Blend | null;
}

/** The members a preset trains, the first one checkpointed. */
export function membersOf(settings: RunSettings): MemberKind[] {
  if (settings.preset === 'vectors') return ['bilstm'];
  if (settings.preset === 'ensemble') return settings.embeddings ? ['lstm', 'ngram', 'bilstm'] : ['lstm', 'ngram'];
  return ['lstm'];
}

/** Trains the preset's members on `split`, scores each on its validation rows, and fits their blend there. */
async function trainMembers(
  p: Prepared,
  split: RowSplit,
  opts: TrainRunOptions,
  out: string | null,
  reporter: TrainReporter,
): Promise<TrainedMembers> {
  const { settings, data, engine } = p;
  const k = p.classes.labels.length;
  const { trainRows, valRows } = split;
  const members: { member: Member; path: string }[] = [];
  let primary: LstmOutcome | null = null;
  const stopped = (): TrainedMembers => {
    for (const m of members) m.member.dispose();
    return {
      primary: primary ?? { member: null, history: [], best: null, kept: null, stoppedEarly: false },
      members: [],
      scores: [],
      blend: null,
    };
  };
  try {
    for (const [i, kind] of membersOf(settings).entries()) {
      const first = i === 0;
      // In an ensemble the vectors member keeps its own preset's epochs and early stop (it overfits sooner), unless the user set them.
      const own =
        kind === 'bilstm' && settings.preset === 'ensemble'
          ? {
              ...applyPreset({ ...settings, preset: 'vectors' }, opts.explicit ?? new Set()),
              preset: settings.preset,
              maxLen: settings.maxLen,
            }
          : settings;
      reporter.onMember?.(kind, own.epochs);
      const common = {
        settings: own,
        split,
        out: first ? out : null,
        dataFile: opts.dataFile,
        dataSha256: p.sha256,
        engine,
        checkpoint: first ? p.checkpoint : null,
        signal: opts.signal,
        onStaged: opts.onStaged,
      };
      if (kind === 'ngram') {
        const ngram = trainNgram(
          Array.from(trainRows, (r) => data.cleaned[r]),
          Int32Array.from(trainRows, (r) => data.labels[r]),
          k,
          makeRng(`ngram:${settings.seed}`),
          NGRAM_TRAINING,
          { onProgress: reporter.onNgram, signal: opts.signal },
        );
        if (ngram === null) return stopped();
        members.push({ member: ngram, path: 'ngram' });
        continue;
      }
      let outcome: LstmOutcome;
      if (kind === 'lstm') {
        const build = () =>
          buildModel(
            settings,
            { numClasses: k, inputLength: settings.pad === 'max' ? data.maxLen : null },
            engine.speed,
          );
        outcome = await trainRecurrentMember(
          { ...common, kind, build, data, batchSize: settings.batchSize, labelSmoothing: 0 },
          reporter,
        );
      } else {
        outcome = await trainVectorsMember(p, common, reporter);
      }
      if (first) primary = outcome;
      if (outcome.member === null) return stopped();
      members.push({ member: outcome.member, path: first ? '.' : kind });
    }
    const valLabels = Int32Array.from(valRows, (r) => data.labels[r]);
    const valTexts = Array.from(valRows, (r) => data.cleaned[r]);
    const outputs = valRows.length ? members.map(({ member }) => member.predict(valTexts).probabilities) : [];
    const scores: MemberScore[] = members.map(({ member }, i) => {
      const s = valRows.length ? scoreProbabilities(outputs[i], k, valLabels) : null;
      return { kind: member.kind, valAcc: s?.acc ?? null, valLoss: s?.loss ?? null };
    });
    let blend: Blend | null = null;
    if (members.length > 1) {
      // Without validation rows nothing can weigh the members: they count the same.
      const fitted = valRows.length ? fitBlend(outputs, valLabels, k, 'linear') : null;
      blend = fitted?.blend ?? { method: 'linear', weights: members.map(() => 1 / members.length) };
      scores.push({ kind: 'blend', valAcc: fitted?.scores.acc ?? null, valLoss: fitted?.scores.loss ?? null });
    }
    return { primary: primary as unknown as LstmOutcome, members, scores, blend };
  } catch (err) {
    for (const m of members) m.member.dispose();
    throw err;
  }
}

/** The bidirectional LSTM on pretrained vectors: vocabulary and vectors read (or, resumed, the checkpoint's), then trained. */
async function trainVectorsMember(
  p: Prepared,
  common: Omit<LstmTraining, 'kind' | 'build' | 'data' | 'batchSize' | 'labelSmoothing'>,
  reporter: TrainReporter,
): Promise<LstmOutcome> {
  const { settings, data } = p;
  const shape = (rows: number, dims: number) => ({
    rows,
    dims,
    units: BILSTM_DEFAULTS.units,
    bidirectional: settings.bidirectional,
    pooling: settings.pooling,
    numClasses: p.classes.labels.length,
    learningRate: BILSTM_DEFAULTS.learningRate,
  });
  const train = (seqData: SequenceData, build: () => tf.LayersModel | Promise<tf.LayersModel>) =>
    trainRecurrentMember(
      {
        ...common,
        kind: 'bilstm',
        build,
        data: seqData,
        batchSize: BILSTM_DEFAULTS.batchSize,
        labelSmoothing: BILSTM_DEFAULTS.labelSmoothing,
      },
      reporter,
    );
  const checkpoint = common.checkpoint;
  if (checkpoint) {
    // Resuming: the checkpoint holds the vocabulary and the model; the vectors need not be read again.
    const build = async () => {
      const model = await loadLayersModel(checkpoint.dir);
      compileModel(model, BILSTM_DEFAULTS.learningRate, p.engine.speed);
      return model;
    };
    return train(sequencesOf(checkpoint.tokenizer, data.cleaned, data.labels, data.maxLen), build);
  }
  if (!settings.embeddings)
    throw new SettingError('embeddings', 'the vectors preset needs pretrained word vectors', { given: '(none)' });
  const v = await prepareVectors(data.cleaned, data.labels, common.split.trainRows, {
    embeddings: settings.embeddings,
    vocabSize: settings.vocabSize,
    maxLen: data.maxLen,
    seed: settings.seed,
    onProgress: reporter.onVectors,
  });
  reporter.onVocabulary?.({
    words: v.vocabulary.rows - 1,
    covered: v.vocabulary.covered,
    added: v.vocabulary.added,
    dims: v.vocabulary.dims,
    fileWords: v.fileWords,
    source: v.source,
  });
  return train(v.data, () =>
    buildBiLstm(shape(v.vocabulary.rows, v.vocabulary.dims), v.vocabulary.embeddings, p.engine.speed),
  );
}

export async function runTraining(given: TrainRunOptions, reporter: TrainReporter = {}): Promise<TrainResult> {
  return withOutput(given, (out) => train({ ...given, out }, reporter));
}

async function train(opts: TrainRunOptions, reporter: TrainReporter): Promise<TrainResult> {
  const p = await prepare(opts, reporter, validationRule);
  const { settings, data, engine } = p;
  const { primary: lstm, members, scores, blend } = await trainMembers(p, p.split, opts, opts.out, reporter);
  const result = {
    history: lstm.history,
    best: lstm.best,
    kept: lstm.kept,
    stoppedEarly: lstm.stoppedEarly,
    out: opts.out,
    engine: engine.info,
    completedEpochs: lstm.history.length,
    checkpoint: lstm.history.length > 0 ? checkpointPath(opts.out) : null,
    settings,
    scores,
    blend,
    memoryPhrases: 0,
  };
  if (members.length === 0) return { ...result, interrupted: String(opts.signal?.reason ?? 'aborted') };
  try {
    const memory = settings.memory
      ? PhraseMemory.build(data.cleaned, data.labels, p.split.trainRows, p.classes.labels.length)
      : null;
    result.memoryPhrases = memory?.size ?? 0;
    const meta = makeMeta({
      classes: p.classes,
      members: members.map(({ member, path }) => member.entry(path)),
      blend,
      memory: memory ? { phrases: memory.size } : null,
      settings,
      dataFile: opts.dataFile,
      dataSha256: p.sha256,
      engine: engine.info.name,
      tfjsVersion: tf.version_core,
    });
    const history = { settings: settingsToJson(settings), epochs: lstm.history, kept_epoch: lstm.kept?.epoch ?? null };
    const files = await saveModelDirectory(opts.out, { members, memory, history, meta }, opts.onStaged);
    reporter.onSaved?.(opts.out, files);
    return { ...result, interrupted: null };
  } finally {
    for (const { member } of members) member.dispose();
  }
}

export interface FoldResult {
  fold: number;
  trainRows: number;
  valRows: number;
  /** The kept epoch of the LSTM. */
  kept: EpochLog | null;
  scores: MemberScore[];
}

export interface CrossValidation {
  folds: FoldResult[];
  /** For each member and the blend: mean and standard deviation of val_acc over the folds. */
  summary: { kind: string; mean: number; sd: number }[];
  settings: RunSettings;
  /** Set when a signal stopped it: the folds done so far are in `folds`. */
  interrupted: string | null;
}

/**
 * K-fold cross-validation by groups (the Kaggle file's SentenceId: a sentence's phrases are never on
 * both sides): each fold's groups, a contiguous block of the file, validate what the others train.
 * Nothing is saved; each fold trains the whole preset from scratch.
 */
export async function crossValidate(
  given: TrainRunOptions,
  k: number,
  reporter: TrainReporter & { onFold?(fold: number, of: number): void } = {},
): Promise<CrossValidation> {
  return withOutput(given, (out) => foldByFold({ ...given, out }, k, reporter));
}

async function foldByFold(
  opts: TrainRunOptions,
  k: number,
  reporter: TrainReporter & { onFold?(fold: number, of: number): void },
): Promise<CrossValidation> {
  const p = await prepare({ ...opts, resume: false }, reporter, ({ groups }) => foldSplit(groups, k, 0), k);
  const folds: FoldResult[] = [];
  const done = (interrupted: string | null): CrossValidation => ({
    folds,
    summary: summarise(folds),
    settings: p.settings,
    interrupted,
  });
  for (let i = 0; i < k; i++) {
    reporter.onFold?.(i + 1, k);
    const split = foldSplit(p.groups, k, i);
    const t = await trainMembers(p, split, opts, null, reporter);
    for (const { member } of t.members) member.dispose();
    if (t.members.length === 0) return done(String(opts.signal?.reason ?? 'aborted'));
    folds.push({
      fold: i + 1,
      trainRows: split.trainRows.length,
      valRows: split.valRows.length,
      kept: t.primary.kept,
      scores: t.scores,
    });
  }
  return done(null);
}

function summarise(folds: FoldResult[]): CrossValidation['summary'] {
  if (folds.length === 0) return [];
  return folds[0].scores.map(({ kind }) => {
    const accs = folds.map((f) => f.scores.find((s) => s.kind === kind)?.valAcc ?? NaN);
    const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
    const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
    return { kind, mean, sd };
  });
}

/** The run's settings out of the options (which carry more). */
function pickSettings(o: RunSettings): RunSettings {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, o[k]])) as unknown as RunSettings;
}

/** The vectors a run needs are there (or installable, said how) before any work starts. */
async function checkEmbeddings(settings: RunSettings, resuming: boolean): Promise<void> {
  const members = membersOf(settings);
  if (!members.includes('bilstm') || (resuming && members[0] === 'bilstm')) return;
  if (!settings.embeddings)
    throw new SettingError(
      'embeddings',
      'the vectors preset trains on pretrained word vectors: give glove-100d or a vectors file',
      { given: '(none)' },
    );
  await checkInputFile(resolveEmbeddings(settings.embeddings).path, 'word vectors file');
}

/** A checkpoint resumes on the data it was trained on, to the byte. */
function checkSameData(checkpoint: Checkpoint, sha256: string, file: string): void {
  const { state } = checkpoint;
  if (state.data_sha256 !== sha256) {
    throw new SettingError(
      'resume',
      `this file's sha256 (${sha256.slice(0, 12)}…) differs from the data the checkpoint was trained on (${state.data_file}, ${state.data_sha256.slice(0, 12)}…)`,
      { where: { file } },
    );
  }
}

function resumeSettings(opts: TrainRunOptions, checkpoint: Checkpoint): RunSettings {
  const { state, settings } = checkpoint;
  const explicit = opts.explicit ?? new Set<SettingKey>();
  const differ = FIXED_ON_RESUME.filter((k) => explicit.has(k) && opts[k] !== null && opts[k] !== settings[k]);
  if (differ.length > 0)
    throw new ResumeMismatchError(
      differ.map((k) => ({ setting: k, given: opts[k], checkpoint: settings[k] })),
      checkpointPath(opts.out),
    );
  if (opts.epochs < state.epoch) {
    throw new SettingError(
      'epochs',
      `the checkpoint has ${state.epoch} epochs done, more than the ${opts.epochs} asked for`,
      { where: { file: checkpointPath(opts.out) } },
    );
  }
  return { ...settings, epochs: opts.epochs };
}

/**
 * Runs `work` with `opts.out` checked, resolved (a link followed) and locked for this process; a new
 * directory left empty by a run that saved nothing is removed again.
 */
async function withOutput<T>(opts: TrainRunOptions, work: (out: string) => Promise<T>): Promise<T> {
  const out = await checkOutputDirectory(opts.out, 'out', isModelEntry);
  const existed = (await stat(out).catch(() => null)) !== null;
  const release = await lockDirectory(out, 'out');
  try {
    return await work(out);
  } finally {
    await release();
    if (!existed) await rmdir(out).catch(() => undefined);
  }
}
