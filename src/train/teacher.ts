/**
 * A model trained on folds (the best preset) as a teacher: its stack's answer for every row of its
 * training file, each from the fold models that never saw the row (oof.tsv.gz), for a student to
 * train towards (targets.ts).
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SettingError } from '../errors.ts';
import { blendProbabilities } from '../model/blend.ts';
import { loadModelDirectory, OUT_OF_FOLD_FILE, openModelDirectory } from '../model/directory.ts';
import { MODEL_FILES } from '../model/files.ts';
import { Predictor } from '../predict/predictor.ts';
import { readOutOfFoldGzip } from './out-of-fold.ts';
import { foldSplit } from '../data/split.ts';
import type { SpeedLayer } from '../engine/speed-layer.ts';
import type { Member } from '../model/member.ts';
import { loadMember } from '../model/members.ts';
import { RecurrentMember } from '../model/recurrent-member.ts';
import { TableEmbedding } from '../model/table-embedding.ts';

/** What the student's data must share with the teacher's. */
export interface StudentData {
  /** The training file's sha256: the teacher's rows are this file's rows, in order. */
  sha256: string;
  /** The classes, in the student's order. */
  labels: readonly string[];
  /** Rows of the training file. */
  rows: number;
}

/**
 * Row-major [rows, classes]: the teacher's stacked out-of-fold probabilities of every row of the
 * student's training file. A SettingError (naming `teacher`) when the directory cannot teach this data.
 */
export async function teacherProbabilities(dir: string, data: StudentData): Promise<Float32Array> {
  const refuse = (why: string) => new SettingError('teacher', why, { given: dir });
  const header = await openTeacher(dir);
  const bagging = header.meta?.bagging;
  if (!header.meta || !bagging)
    throw refuse('is not a model trained on folds (--preset best): it holds no out-of-fold answers to learn from');
  if (header.meta.data_sha256 !== data.sha256)
    throw refuse('was trained on another file (its data_sha256 differs): its answers are for other rows');
  if (header.labels.join('\n') !== data.labels.join('\n'))
    throw refuse(`has the classes ${header.labels.join(', ')}; this run has ${data.labels.join(', ')}`);
  const file = join(dir, OUT_OF_FOLD_FILE);
  const table = readOutOfFoldGzip(
    await readFile(file).catch(() => {
      throw refuse(`has no ${OUT_OF_FOLD_FILE} (the out-of-fold answers a student learns from)`);
    }),
    file,
  );
  if (table.oof.rows !== data.rows) throw refuse(`answers ${table.oof.rows} rows; the file has ${data.rows}`);
  return blendProbabilities(table.oof.probabilities, data.labels.length, bagging.stack);
}

/** The teacher's header; a path that holds no model directory is refused naming the setting (what predict would say names its own). */
async function openTeacher(dir: string) {
  const s = await stat(dir).catch(() => null);
  const problem = !s
    ? 'does not exist'
    : !s.isDirectory()
      ? 'is a file'
      : existsSync(join(dir, MODEL_FILES.meta))
        ? null
        : `holds no ${MODEL_FILES.meta}`;
  if (problem)
    throw new SettingError(
      'teacher',
      `${problem}: a teacher is a model directory trained with {preset} best on this same file`,
      { given: dir },
    );
  return openModelDirectory(dir);
}

/** A teacher's members, fold by fold, and how its stack combines one fold's. */
async function teacherFolds(dir: string) {
  const header = await openTeacher(dir);
  const bagging = header.meta?.bagging;
  if (!header.meta || !bagging) throw new SettingError('teacher', 'is not a model trained on folds', { given: dir });
  const entries = header.meta.members;
  const perFold = entries.length / bagging.folds;
  return {
    folds: bagging.folds,
    stack: bagging.stack,
    entries: (f: number) => entries.slice(f * perFold, (f + 1) * perFold),
    classes: header.labels.length,
    groupColumn: header.settings?.groupColumn ?? null,
  };
}

/**
 * Row-major [texts, classes]: the teacher's stacked answer for each text (cleaned) from the models of
 * fold `fold[i]` alone (0-based): those that never saw the sentence the text was made from, as its
 * out-of-fold answers for the training rows. One fold's members are loaded at a time.
 */
export async function teacherAnswers(
  dir: string,
  texts: ReadonlyArray<string>,
  fold: Int32Array,
  speed: SpeedLayer | null,
  onFold?: (done: number, of: number) => void,
): Promise<Float32Array> {
  const t = await teacherFolds(dir);
  const out = new Float32Array(texts.length * t.classes);
  for (let f = 0; f < t.folds; f++) {
    const rows = Array.from(fold.keys()).filter((i) => fold[i] === f);
    if (rows.length > 0) {
      const members: Member[] = [];
      try {
        for (const e of t.entries(f)) members.push(await loadMember(dir, e, speed));
        const own = rows.map((i) => texts[i]);
        const p = blendProbabilities(
          members.map((m) => m.predict(own).probabilities),
          t.classes,
          t.stack,
        );
        rows.forEach((i, j) => out.set(p.subarray(j * t.classes, (j + 1) * t.classes), i * t.classes));
      } finally {
        for (const m of members) m.dispose();
      }
    }
    onFold?.(f + 1, t.folds);
  }
  return out;
}

/** Each fold the teacher held `groups`' rows out of (0-based), as its folds split them. */
export async function teacherFoldOf(
  dir: string,
  groups: ReadonlyArray<string>,
  groupColumn: string | null,
): Promise<Int32Array> {
  const { folds, groupColumn: its } = await teacherFolds(dir);
  if (its !== groupColumn)
    throw new SettingError(
      'teacher',
      `split its folds by ${its === null ? "the file's own group column" : `the column ${its}`}, this run groups by ${groupColumn === null ? "the file's own" : groupColumn}: give the same {groupColumn}`,
      { given: dir },
    );
  const of = new Int32Array(groups.length);
  for (let f = 0; f < folds; f++) for (const r of foldSplit(groups, folds, f).valRows) of[r] = f;
  return of;
}

/** The first member on word vectors of the teacher's first fold: its tokenizer and table (fine-tuned vectors); null without one. */
export async function teacherVectors(
  dir: string,
  speed: SpeedLayer | null,
): Promise<{ wordIndex: ReadonlyMap<string, number>; table: Float32Array; dims: number } | null> {
  const t = await teacherFolds(dir);
  const entry = t.entries(0).find((e) => e.kind === 'bilstm');
  if (!entry) return null;
  const member = await loadMember(dir, entry, speed);
  try {
    if (!(member instanceof RecurrentMember)) return null;
    const layer = member.model.layers.find((l) => l instanceof TableEmbedding || l.getClassName() === 'Embedding');
    if (!layer) return null;
    const table = layer instanceof TableEmbedding ? layer.table : (layer.getWeights()[0].dataSync() as Float32Array);
    const dims = layer instanceof TableEmbedding ? layer.outputDim : (layer.getWeights()[0].shape[1] ?? 0);
    // Both are the member's own arrays (a view on its weights file, or dataSync's copy): they outlive it.
    return { wordIndex: member.tokenizer.wordIndex, table, dims };
  } finally {
    member.dispose();
  }
}

/**
 * Row-major [texts, classes]: the teacher's answer for each text (cleaned) as `predict --no-memory`
 * gives it: every member, blended as meta.json says (for a training row, most fold models saw it).
 */
export async function teacherModelAnswers(
  dir: string,
  texts: ReadonlyArray<string>,
  speed: SpeedLayer | null,
): Promise<Float32Array> {
  const loaded = await loadModelDirectory(dir, undefined, speed);
  try {
    // As predict scores them: the n-gram members together on a worker thread, the words split once.
    return new Predictor(loaded, { memory: false }).modelProbabilities(texts);
  } finally {
    loaded.dispose();
  }
}
