/**
 * A model trained on folds (the best preset) as a teacher: its stack's answer for every row of its
 * training file, each from the fold models that never saw the row (oof.tsv.gz), for a student to
 * train towards (targets.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SettingError } from '../errors.ts';
import { blendProbabilities } from '../model/blend.ts';
import { OUT_OF_FOLD_FILE, openModelDirectory } from '../model/directory.ts';
import { readOutOfFoldGzip } from './out-of-fold.ts';

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
  const header = await openModelDirectory(dir);
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
