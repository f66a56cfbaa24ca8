import { SettingError } from '../errors.ts';
import { FRACTION, WHOLE_AT_LEAST_0, WHOLE_AT_LEAST_2 } from '../settings.ts';
import { makeRng } from './random.ts';

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
  if (!WHOLE_AT_LEAST_0.valid(n)) throw new SettingError('rows', `must be ${WHOLE_AT_LEAST_0.expected}`, { given: n });
  checkSplit(validationSplit);
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
export function foldSplit(groups: ArrayLike<number | string>, k: number, fold: number): RowSplit {
  if (!WHOLE_AT_LEAST_2.valid(k)) throw new SettingError('folds', `must be ${WHOLE_AT_LEAST_2.expected}`, { given: k });
  if (!Number.isSafeInteger(fold) || fold < 0 || fold >= k)
    throw new SettingError('fold', `must be a whole number from 0 to ${k - 1} (folds: ${k})`, { given: fold });
  const order = new Map<number | string, number>();
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

/**
 * The groups that start in the last share of the rows validate, every row of them wherever it is, so
 * no group is on both sides whatever the row order. Rows ordered by group (the Kaggle file by
 * SentenceId) split as Keras' last share moved forward to the next group boundary.
 */
export function groupedSplit(groups: ReadonlyArray<string>, validationSplit: number): RowSplit {
  if (validationSplit <= 0) return splitRows(groups.length, 0);
  const at = validationSplitIndex(groups.length, validationSplit);
  const startsBefore = new Set<string>();
  for (let i = 0; i < at; i++) startsBefore.add(groups[i]);
  const train: number[] = [];
  const val: number[] = [];
  groups.forEach((g, i) => (startsBefore.has(g) ? train : val).push(i));
  return { trainRows: Int32Array.from(train), valRows: Int32Array.from(val) };
}

/** A seeded random share of the groups (a row is its own group when there are none) validates. */
export function shuffledSplit(groups: ReadonlyArray<string>, validationSplit: number, rng: () => number): RowSplit {
  const distinct = [...new Set(groups)];
  for (let i = distinct.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [distinct[i], distinct[j]] = [distinct[j], distinct[i]];
  }
  const held = new Set(distinct.slice(validationSplitIndex(distinct.length, validationSplit)));
  const train: number[] = [];
  const val: number[] = [];
  groups.forEach((g, i) => (held.has(g) ? val : train).push(i));
  return { trainRows: Int32Array.from(train), valRows: Int32Array.from(val) };
}

/** What decides the rows a run holds out of its training file. */
export interface HoldOut {
  validationSplit: number;
  shuffleSplit: boolean;
  /** With a group column, groups are whole on either side. */
  groupColumn: string | null;
  seed: number;
}

/**
 * The rows a run holds out of its file (`groups`: each row's group, or its own): the last share as
 * Keras takes it, moved to a group boundary with a group column, or a seeded random share.
 */
export function heldOutRows(groups: ReadonlyArray<string>, h: HoldOut): RowSplit {
  checkSplit(h.validationSplit);
  const grouped = h.groupColumn !== null ? groups : null;
  if (h.shuffleSplit)
    return shuffledSplit(grouped ?? groups.map((_, i) => String(i)), h.validationSplit, makeRng(`split:${h.seed}`));
  return grouped ? groupedSplit(grouped, h.validationSplit) : splitRows(groups.length, h.validationSplit);
}

function checkSplit(validationSplit: number): void {
  if (!FRACTION.valid(validationSplit))
    throw new SettingError('validationSplit', `must be ${FRACTION.expected}`, { given: validationSplit });
}
