/**
 * Classes from a file's labels. The Kaggle file's Sentiment column holds 0–4, named negative …
 * positive; any other file's labels are numbers (ordered ascending: star ratings) or words (ordered by
 * first appearance, or as the user orders them). A model keeps the labels as written and their names.
 */
import { InputError } from '../errors.ts';
import { decimal } from './numbers.ts';
import type { ReadTableOptions, TableRow, TextTable } from './table.ts';

/** The five sentiment classes of the Kaggle movie-review data. */
export const LABEL_NAMES = ['negative', 'somewhat negative', 'neutral', 'somewhat positive', 'positive'] as const;
export const NUM_CLASSES = LABEL_NAMES.length;
const KAGGLE_LABEL_COLUMN = 'Sentiment';

export interface Classes {
  /** Each class's label as the data writes it (the Kaggle file: "0" … "4"). */
  labels: string[];
  /** What to call each class (the Kaggle file: negative … positive; otherwise the labels). */
  names: string[];
}

export interface LabelledRows extends Classes {
  /** Each row's class. */
  index: Int32Array;
}

export function labelCounts(labels: ArrayLike<number>, numClasses: number = NUM_CLASSES): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]] += 1;
  return counts;
}

/** The Kaggle classes: labels 0–4 in the Sentiment column. */
export const KAGGLE_CLASSES: Classes = { labels: LABEL_NAMES.map((_, i) => String(i)), names: [...LABEL_NAMES] };

const isNumber = (s: string) => decimal(s) !== null;

/**
 * The classes of a labelled table and each row's class. `order` fixes the classes (every label must
 * be one of them); without it numbers sort ascending and words keep their first appearance.
 */
export function classesOf(table: TextTable, order?: readonly string[]): LabelledRows {
  const rows = table.rows;
  const labelOf = (r: TableRow) => r.label as string;
  let classes: Classes;
  if (table.used.label === KAGGLE_LABEL_COLUMN && !order) {
    for (const r of rows) {
      const raw = labelOf(r);
      if (!/^\d+$/.test(raw) || Number(raw) >= NUM_CLASSES) {
        throw new InputError(
          `Sentiment must be an integer from 0 to ${NUM_CLASSES - 1}, found ${JSON.stringify(raw)}`,
          { file: table.path, line: r.line },
        );
      }
    }
    classes = KAGGLE_CLASSES;
  } else if (order) {
    // The Kaggle classes reordered keep their names.
    const kaggle = table.used.label === KAGGLE_LABEL_COLUMN && order.every((l) => KAGGLE_CLASSES.labels.includes(l));
    classes = {
      labels: [...order],
      names: order.map((l) => (kaggle ? KAGGLE_CLASSES.names[Number(l)] : l)),
    };
  } else {
    const seen = [...new Set(rows.map(labelOf))];
    const labels = seen.every(isNumber) ? distinctByValue(seen).sort((a, b) => Number(a) - Number(b)) : seen;
    classes = { labels, names: labels };
  }
  const index = indexLabels(rows, classes, table.path);
  const distinct = new Set(index);
  if (distinct.size < 2) {
    const [only] = distinct;
    throw new InputError(
      `every row has ${table.used.label} ${classes.labels[only]}${classes.names[only] !== classes.labels[only] ? ` (${classes.names[only]})` : ''}; training needs at least two different labels`,
      { file: table.path },
    );
  }
  return { ...classes, index };
}

/** Numbers written differently but equal ("1", "1.0") are one class, named as first written. */
function distinctByValue(labels: string[]): string[] {
  const byValue = new Map<number, string>();
  for (const l of labels) if (!byValue.has(Number(l))) byValue.set(Number(l), l);
  return [...byValue.values()];
}

/** Each row's class among `classes` (numbers matched by value); a label outside them is an error naming its line. */
export function indexLabels(rows: ReadonlyArray<TableRow>, classes: Classes, path: string): Int32Array {
  const exact = new Map(classes.labels.map((l, i) => [l, i]));
  const numeric = new Map(classes.labels.filter(isNumber).map((l) => [Number(l), classes.labels.indexOf(l)]));
  return Int32Array.from(rows, (r) => {
    const label = r.label as string;
    const i = exact.get(label) ?? (isNumber(label) ? numeric.get(Number(label)) : undefined);
    if (i === undefined)
      throw new InputError(`label ${JSON.stringify(label)} is not one of the classes (${classes.labels.join(', ')})`, {
        file: path,
        line: r.line,
      });
    return i;
  });
}

/** A labelled data file read and its labels made classes: its texts, each row's class, the classes. */
export async function readLabelled(
  path: string,
  opts: Omit<ReadTableOptions, 'labelled'> & { order?: readonly string[] } = {},
): Promise<LabelledRows & { table: TextTable; texts: string[] }> {
  // Imported here: the class names alone (a model directory's) need no CSV parser.
  const { readTable } = await import('./table.ts');
  const table = await readTable(path, { ...opts, labelled: true });
  return { ...classesOf(table, opts.order), table, texts: table.rows.map((r) => r.text) };
}
