/**
 * Which rows train and which validate: Keras' validation_split, the last fraction of the rows taken
 * before any shuffling. On the Kaggle file (rows ordered by SentenceId) that holds out whole sentences.
 */

export interface RowSplit {
  trainRows: Int32Array;
  valRows: Int32Array;
}

/** The first validation row: floor(n · (1 − split)), as Keras computes it. */
export function validationSplitIndex(n: number, validationSplit: number): number {
  return Math.floor(n * (1 - validationSplit));
}

export function splitRows(n: number, validationSplit: number): RowSplit {
  const at = validationSplit > 0 ? validationSplitIndex(n, validationSplit) : n;
  return { trainRows: range(0, at), valRows: range(at, n) };
}

/** start, start+1, …, end-1. */
export function range(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
