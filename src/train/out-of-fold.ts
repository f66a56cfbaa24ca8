/**
 * Every row's out-of-fold probabilities: each member's answer from the fold model that never saw the
 * row, gathered fold by fold (cross-validation and the bagged preset), and the table written as
 * oof.tsv.gz.
 */

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
