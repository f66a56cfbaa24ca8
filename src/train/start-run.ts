/**
 * What every training run starts from: the settings resolved (a resume's from its checkpoint), the
 * data read, checked and encoded, the rows split, and the engine started, each reported.
 */
import { join } from 'node:path';
import { type Classes, classesOf, indexLabels, labelCounts } from '../data/labels.ts';
import { type PreparedData, prepareTrainingData } from '../data/prepare.ts';
import { foldSplit, heldOutRows, type RowSplit, range } from '../data/split.ts';
import { readTable } from '../data/table.ts';
import { resolveEmbeddings } from '../data/vectors.ts';
import { describeEngine, type Engine, type EngineInfo, type EngineRequest, startEngine } from '../engine/engine.ts';
import { InputError, SettingError } from '../errors.ts';
import type { StagedHook } from '../fs/atomic-dir.ts';
import { fileDigest } from '../fs/digest.ts';
import { MODEL_FILES } from '../model/files.ts';
import { checkInputFile } from '../fs/read.ts';
import type { MemberKind } from '../model/member.ts';
import { PRESET_TABLE, presetMembers, unusedSetting } from '../presets.ts';
import {
  type AugmentKind,
  pickSettings,
  type RunSettings,
  type SettingKey,
  type TeacherTargets,
  WHOLE_AT_LEAST_2,
} from '../settings.ts';
import { checkTrainingMemory } from './memory-estimate.ts';
import { type Checkpoint, type InputDigests, loadCheckpoint } from './checkpoint.ts';
import type { NgramProgress } from './train-ngram.ts';
import type { LstmCallbacks } from './train-recurrent.ts';
import { checkSameData, checkSameInputs, resumeSettings } from './resume.ts';
import type { VectorsProgress } from './prepare-vectors.ts';
import { studentTargets, type TransferRows, withTransferSet } from './student-data.ts';
import { teacherModelAnswers } from './teacher.ts';

export interface TrainRunOptions extends RunSettings {
  dataFile: string;
  out: string;
  backend: EngineRequest;
  /** Let TensorFlow's C++ log lines through (the tensorflow engine; off by default). */
  nativeLogs?: boolean;
  /** Continue from the checkpoint in `out`. */
  resume?: boolean;
  /**
   * The settings the user chose: the preset's defaults stand in for the others, and with `resume` the
   * chosen ones must equal the checkpoint's.
   */
  explicit?: ReadonlySet<SettingKey>;
  /** Aborting it stops training after the current batch (the last epoch's checkpoint stays). */
  signal?: AbortSignal;
  /** Called after each file a save stages (the model directory's and the checkpoint's). */
  onStaged?: StagedHook;
  /** A bagged preset's number of folds (its own otherwise). */
  folds?: number;
}

export interface DataSummary {
  file: string;
  /** Cross-validation or a bagged preset: the number of folds (trainRows and valRows are then the first fold's). */
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
  /** The column whose groups stay whole across the split and the folds; null: each row is its own. */
  groupColumn: string | null;
  /** Folds: each fold's validation rows. */
  foldRows?: number[];
  /** Rows of the validation file (part of `rows`, none of them training rows); absent without one. */
  validationFile?: { path: string; rows: number };
  /** The teacher whose answers the members train towards (its own, or its out-of-fold ones); absent without one. */
  teacher?: { dir: string; weight: number; temperature: number; targets: TeacherTargets };
}

/** Something about the data that makes the run say less than it seems to, said before training. */
export type DataWarning =
  /** The validation rows (the last ones) all have one label: the file is likely sorted by label. */
  | { kind: 'sorted-by-label'; label: string; rows: number }
  /** Labels that differ only in case or spaces are different classes: likely one class misspelt. */
  | { kind: 'labels-differ-in-case'; labels: string[] }
  /** The validation file holds the same bytes as the training file: validation scores training rows. */
  | { kind: 'validation-is-training'; file: string }
  /** A class has no training row (in the split, or in a fold's training rows): the model cannot learn it there. */
  | { kind: 'class-without-training-rows'; labels: string[]; fold: number | null }
  /** No training word has a vector in the vectors file: the member on vectors starts from noise. */
  | { kind: 'vectors-match-nothing'; source: string; words: number };

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
  /** Cross-validation or a bagged preset: fold `fold` of `of` begins. */
  onFold?(fold: number, of: number): void;
  /** Every fold done: the blend is being chosen on the out-of-fold rows (a minute or more on 156k rows). */
  onStack?(s: { rows: number; members: number; folds: number }): void;
  /** The transfer set: being made and labelled by the teacher (count null), then made. */
  onTransferSet?(t: {
    kinds: readonly AugmentKind[];
    count: Partial<Record<AugmentKind, number>> | null;
    seconds: number | null;
  }): void;
  /** Something about the data the user should know before training. */
  onWarning?(warning: DataWarning): void;
}

/** A run started: the data read and encoded, the settings resolved, the engine running. */
export interface StartedRun {
  /** The training file's sha256 (what a checkpoint and `evaluate --validation` check). */
  sha256: string;
  /** The validation file's and the teacher's sha256 (what a checkpoint checks). */
  inputsSha256: InputDigests;
  classes: Classes;
  /** Each row's group (the file's group column, else its own line), for folds. */
  groups: string[];
  data: PreparedData;
  settings: RunSettings & { maxLen: number };
  checkpoint: Checkpoint | null;
  engine: Engine;
  split: RowSplit;
  /** With a `teacher`: its probabilities of every row, row-major (a validation file's rows, never trained on, zeros). */
  teacher: Float32Array | null;
  /** With `augment`: where the transfer set's rows are (after the file's and a validation file's); they train, nothing else reads them. */
  transfer: TransferRows | null;
}

/** How the rows split: the validation file's rows, a shuffled share, the last share (at a group boundary with a group column), or a fold. */
export type SplitRule = (p: { rows: number; fileRows: number; groups: string[]; settings: RunSettings }) => RowSplit;

/** The default rule: the validation file's rows, else the last (or a shuffled) share of the file's rows. */
export const validationRule: SplitRule = ({ rows, fileRows, groups, settings }) =>
  settings.validationFile
    ? { trainRows: range(0, fileRows), valRows: range(fileRows, rows) }
    : heldOutRows(groups, settings);

/**
 * A run's options checked at the library's boundary, as the CLI checks its flags: every setting
 * (SettingError naming it), the files, the folds, and the memory the settings would need.
 */
export function checkRunOptions(opts: TrainRunOptions, folds?: unknown): RunSettings {
  const settings = pickSettings(opts);
  for (const key of ['dataFile', 'out'] as const)
    if (typeof opts[key] !== 'string' || opts[key].trim() === '')
      throw new SettingError(key, 'must name a file or directory (it is empty or not a string)', {
        given: JSON.stringify(opts[key] ?? null),
      });
  if (folds !== undefined && !WHOLE_AT_LEAST_2.valid(folds))
    throw new SettingError('folds', `must be ${WHOLE_AT_LEAST_2.expected}`, { given: String(folds) });
  checkTrainingMemory(settings, { explicit: opts.explicit });
  return settings;
}

export async function startRun(
  opts: TrainRunOptions,
  reporter: TrainReporter,
  split: SplitRule,
  folds?: number,
): Promise<StartedRun> {
  // Data and checkpoint problems are reported before the engine starts.
  const checkpoint = opts.resume ? await loadCheckpoint(opts.out) : null;
  const given = pickSettings(opts);
  const requested = checkpoint ? resumeSettings(given, opts.explicit ?? new Set(), checkpoint, opts.out) : given;
  // Every setting the user chose takes effect, or the run is refused saying why.
  const unused = unusedSetting(requested, opts.explicit ?? new Set(), folds !== undefined);
  if (unused) throw new SettingError(unused.setting, `has no effect on this run: ${unused.why}`);
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
  if (validation && validation.sha256 === table.sha256)
    reporter.onWarning?.({ kind: 'validation-is-training', file: validation.path });
  const caseless = labelsDifferingInCase(classes.labels);
  if (caseless) reporter.onWarning?.({ kind: 'labels-differ-in-case', labels: caseless });
  const valIndex = validation ? indexLabels(validation.rows, classes, validation.path) : new Int32Array(0);
  await checkPresetNeeds(requested, checkpoint !== null);
  const rows = [...table.rows, ...(validation?.rows ?? [])];
  const teacher = requested.teacher
    ? await studentTargets(requested.teacher, table.sha256, classes.labels, table.rows.length, rows.length)
    : null;
  const inputsSha256: InputDigests = {
    ...(validation ? { validation_file: validation.sha256 } : {}),
    ...(requested.teacher ? { teacher: (await fileDigest(join(requested.teacher, MODEL_FILES.meta))).sha256 } : {}),
  };
  if (checkpoint) checkSameInputs(checkpoint, inputsSha256, requested);
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
  if (data.tokenizer.wordIndex.size === 0)
    throw new InputError(
      'no phrase holds a word once cleaned (only characters the tokenizer filters out): nothing to learn from',
      {
        file: opts.dataFile,
      },
    );
  const settings = { ...requested, maxLen: data.maxLen };
  checkTrainingMemory(settings, { classes: classes.labels.length, explicit: opts.explicit });
  const groups = rows.map((r) => r.group ?? `line ${r.line}`);
  const distinct = folds === undefined ? 0 : new Set(groups).size;
  if (folds !== undefined && folds > distinct)
    throw new SettingError(
      'folds',
      `asks for more folds than the file has ${table.used.group ? `groups (${table.used.group}: ${distinct})` : `rows (${distinct})`}: every fold must hold out at least one`,
      { given: folds, where: { file: opts.dataFile } },
    );
  const rowSplit = split({ rows: rows.length, fileRows: table.rows.length, groups, settings });
  if (rowSplit.trainRows.length === 0)
    throw new SettingError('validationSplit', 'leaves no training rows', {
      given: settings.validationSplit,
      where: { file: opts.dataFile },
    });
  if (folds === undefined && !settings.validationFile && settings.validationSplit > 0 && rowSplit.valRows.length === 0)
    throw new SettingError(
      'validationSplit',
      `holds out no row: every group of ${settings.groupColumn ?? 'the rows'} starts before the last ${+(100 * settings.validationSplit).toFixed(2)}% of the rows, and a group is never on both sides; raise {validationSplit}, hold out a random share of the groups ({shuffleSplit}), or give a {validationFile}`,
      { given: settings.validationSplit, where: { file: opts.dataFile } },
    );
  const warning = sortedByLabel(labels, rowSplit, classes, settings);
  if (warning) reporter.onWarning?.(warning);
  const foldSplits = folds === undefined ? null : Array.from({ length: folds }, (_, f) => foldSplit(groups, folds, f));
  for (const [i, s] of (foldSplits ?? [rowSplit]).entries()) {
    const missing = untrainedClasses(labels, s.trainRows, classes);
    if (missing.length)
      reporter.onWarning?.({ kind: 'class-without-training-rows', labels: missing, fold: foldSplits ? i + 1 : null });
  }

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
    groupColumn: table.used.group,
    ...(foldSplits ? { foldRows: foldSplits.map((s) => s.valRows.length) } : {}),
    ...(validation ? { validationFile: { path: validation.path, rows: validation.rows.length } } : {}),
    ...(settings.teacher
      ? {
          teacher: {
            dir: settings.teacher,
            weight: settings.distilWeight,
            temperature: settings.temperature,
            targets: settings.teacherTargets,
          },
        }
      : {}),
  });
  // Where the student learns the teacher's own answers, not its out-of-fold ones.
  if (teacher && settings.teacher !== null && settings.teacherTargets === 'model')
    teacher.set(await teacherModelAnswers(settings.teacher, data.cleaned.slice(0, table.rows.length), engine.speed));
  const started = {
    sha256: table.sha256,
    inputsSha256,
    classes,
    groups,
    data,
    settings,
    checkpoint,
    engine,
    split: rowSplit,
    teacher,
  };
  if (!(teacher && settings.teacher !== null && settings.augment.length > 0)) return { ...started, transfer: null };
  const began = performance.now();
  reporter.onTransferSet?.({ kinds: settings.augment, count: null, seconds: null });
  const added = await withTransferSet({
    settings: { ...settings, teacher: settings.teacher },
    data,
    groups,
    split: rowSplit,
    teacher,
    fileRows: table.rows.length,
    classes: classes.labels.length,
    speed: engine.speed,
  });
  reporter.onTransferSet?.({
    kinds: settings.augment,
    count: added.transfer.kinds,
    seconds: (performance.now() - began) / 1000,
  });
  return { ...started, ...added };
}

/** The classes with no row among `trainRows`. */
function untrainedClasses(labels: Int32Array, trainRows: Int32Array, classes: Classes): string[] {
  const seen = new Uint8Array(classes.labels.length);
  for (const r of trainRows) seen[labels[r]] = 1;
  return classes.labels.filter((_, c) => !seen[c]);
}

/** The first group of labels that are equal but for case and spaces (`pos`, `POS`, `Pos `), or null. */
function labelsDifferingInCase(labels: readonly string[]): string[] | null {
  const byKey = new Map<string, string[]>();
  for (const l of labels) {
    const key = l.trim().toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), l]);
  }
  return [...byKey.values()].find((g) => g.length > 1) ?? null;
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

/** What the preset needs is given (a teacher), and the vectors are there (or installable, said how), before any work starts. */
async function checkPresetNeeds(settings: RunSettings, resuming: boolean): Promise<void> {
  const members = presetMembers(settings, new Set()).map((m) => m.kind);
  const needs = PRESET_TABLE[settings.preset].needs ?? [];
  if (needs.includes('teacher') && settings.teacher === null)
    throw new SettingError(
      'teacher',
      `the ${settings.preset} preset learns from a teacher: give a model trained with the best preset on this same file`,
      { given: '(none)' },
    );
  const needed = members.includes('bilstm') || needs.includes('embeddings');
  if (!needed || (resuming && members[0] === 'bilstm')) return;
  if (!settings.embeddings)
    throw new SettingError(
      'embeddings',
      `the ${settings.preset} preset trains on pretrained word vectors: give glove-100d or a vectors file`,
      { given: '(none)' },
    );
  await checkInputFile(resolveEmbeddings(settings.embeddings).path, 'word vectors file');
}
