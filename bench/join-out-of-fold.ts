/** Several out-of-fold tables of the same rows (say, two seeds' cross-validations) as one: their members side by side. */
import type { OutOfFoldTable } from '../src/train/out-of-fold.ts';

export interface JoinedOutOfFold {
  /** Each member's name: its kind, with `#i` (the i-th table, 1-based) when there are several tables. */
  kinds: string[];
  probabilities: Float32Array[];
  rowLabels: Int32Array;
  foldOf: Int32Array;
  rows: number;
  /** Classes. */
  k: number;
  folds: number;
}

/** Joins `tables` (read from `files`, named in the error): they must hold the same rows, folds, labels and classes. */
export function joinOutOfFold(tables: readonly OutOfFoldTable[], files: readonly string[]): JoinedOutOfFold {
  const [first] = tables;
  if (!first) throw new Error('no out-of-fold table to join');
  for (const [i, t] of tables.entries()) {
    const same =
      t.oof.rows === first.oof.rows &&
      t.labels.join('\t') === first.labels.join('\t') &&
      t.oof.foldOf.every((f, r) => f === first.oof.foldOf[r]) &&
      t.rowLabels.every((l, r) => l === first.rowLabels[r]);
    if (!same) throw new Error(`${files[i]}: not the rows, folds and labels of ${files[0]}`);
  }
  const foldOf = first.oof.foldOf;
  return {
    kinds: tables.flatMap((t, i) => t.kinds.map((kind) => (tables.length > 1 ? `${kind}#${i + 1}` : kind))),
    probabilities: tables.flatMap((t) => t.oof.probabilities),
    rowLabels: first.rowLabels,
    foldOf,
    rows: first.oof.rows,
    k: first.oof.k,
    folds: foldOf.reduce((a, f) => Math.max(a, f), 0) + 1,
  };
}
