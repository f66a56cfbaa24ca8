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

/**
 * Fold `fold` of `k` by groups (a sentence's phrases stay together): the distinct groups, in the
 * order they first appear, cut into k contiguous blocks; fold i validates block i.
 */
export function foldSplit(groups: ArrayLike<number>, k: number, fold: number): RowSplit {
  const order = new Map<number, number>();
  for (let i = 0; i < groups.length; i++) if (!order.has(groups[i])) order.set(groups[i], order.size);
  const n = order.size;
  const train: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const block = Math.floor(((order.get(groups[i]) as number) * k) / n);
    (block === fold ? val : train).push(i);
  }
  return { trainRows: Int32Array.from(train), valRows: Int32Array.from(val) };
}
