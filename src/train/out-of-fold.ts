/**
 * Every row's out-of-fold probabilities: each member's answer from the fold model that never saw the
 * row, gathered fold by fold (cross-validation and the bagged preset), and the table written as
 * oof.tsv.gz and read back.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { InputError } from '../errors.ts';

/** Each member's out-of-fold probabilities of every row, gathered fold by fold. */
export class OutOfFold {
  /** The fold (0-based) that held each row out. */
  readonly foldOf: Int32Array;
  /** One per member, row-major [rows, k]. */
  readonly probabilities: Float32Array[] = [];

  constructor(
    readonly rows: number,
    readonly k: number,
  ) {
    this.foldOf = new Int32Array(rows);
  }

  /** Fold `fold`'s members' probabilities of its held-out rows (`outputs[m]` in `valRows`' order). */
  add(fold: number, valRows: Int32Array, outputs: ReadonlyArray<Float32Array>): void {
    const { k } = this;
    while (this.probabilities.length < outputs.length) this.probabilities.push(new Float32Array(this.rows * k));
    valRows.forEach((r, i) => {
      this.foldOf[r] = fold;
      outputs.forEach((p, m) => this.probabilities[m].set(p.subarray(i * k, i * k + k), r * k));
    });
  }
}

export interface OutOfFoldTable {
  kinds: string[];
  oof: OutOfFold;
  /** Every row's class (an index into `labels`). */
  rowLabels: Int32Array;
  /** Each class's label as the file writes it. */
  labels: readonly string[];
}

/** The out-of-fold table as TSV: a row's index among the data rows, its fold (1-based), its label, then each member's probability of each class. */
export function outOfFoldTsv(t: OutOfFoldTable): string {
  const { oof, kinds, labels } = t;
  const k = labels.length;
  const head = ['row', 'fold', 'label', ...kinds.flatMap((kind) => labels.map((l) => `${kind}:${l}`))];
  const lines = [head.join('\t')];
  for (let r = 0; r < oof.rows; r++) {
    const cells = [String(r), String(oof.foldOf[r] + 1), labels[t.rowLabels[r]]];
    for (const p of oof.probabilities) for (let j = 0; j < k; j++) cells.push(p[r * k + j].toFixed(5));
    lines.push(cells.join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/** The table as oof.tsv.gz holds it. */
export function outOfFoldGzip(t: OutOfFoldTable): Uint8Array {
  return gzipSync(outOfFoldTsv(t));
}

/** An oof.tsv.gz read back (`file` names it in errors). */
export function readOutOfFoldGzip(bytes: Uint8Array, file: string): OutOfFoldTable {
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch {
    throw new InputError('not gzip: an out-of-fold table is written as oof.tsv.gz', { file });
  }
  const lines = text.trimEnd().split('\n');
  const head = lines[0].split('\t');
  const columns = head.slice(3).map((c) => c.slice(0, c.lastIndexOf(':')));
  const kinds = [...new Set(columns)];
  const k = kinds.length ? columns.length / kinds.length : 0;
  if (head.slice(0, 3).join('\t') !== 'row\tfold\tlabel' || !Number.isInteger(k) || k < 2)
    throw new InputError("not an out-of-fold table: row, fold, label, then each member's probability of each class", {
      file,
      line: 1,
    });
  const labels = head.slice(3, 3 + k).map((c) => c.slice(c.lastIndexOf(':') + 1));
  const rows = lines.length - 1;
  const oof = new OutOfFold(rows, k);
  const rowLabels = new Int32Array(rows);
  for (const _ of kinds) oof.probabilities.push(new Float32Array(rows * k));
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split('\t');
    const fold = Number(cells[1]) - 1;
    const label = labels.indexOf(cells[2]);
    if (cells.length !== head.length || !Number.isInteger(fold) || fold < 0 || label < 0)
      throw new InputError(`expected ${head.length} cells: a fold (1, 2, …), one of the labels, then probabilities`, {
        file,
        line: r + 2,
      });
    oof.foldOf[r] = fold;
    rowLabels[r] = label;
    oof.probabilities.forEach((p, m) => {
      for (let j = 0; j < k; j++) {
        const cell = cells[3 + m * k + j];
        const x = Number(cell);
        // Number('') is 0: an empty cell is as unreadable as a word.
        if (cell === '' || !(x >= 0 && x <= 1))
          throw new InputError(`${head[3 + m * k + j]} is ${JSON.stringify(cell)}, not a probability (0 to 1)`, {
            file,
            line: r + 2,
          });
        p[r * k + j] = x;
      }
    });
  }
  return { kinds, oof, rowLabels, labels };
}
