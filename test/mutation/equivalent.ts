/**
 * Mutants that cannot be told from the original by any input: the same results written another way,
 * or a difference only in speed. Listed with why, counted apart from the score, and not run.
 * `text` is the mutated line as the tool prints it (trimmed).
 */
export interface Equivalent {
  file: string;
  /** The operator's name, or '' for any operator giving that line. */
  operator: string;
  text: string;
  why: string;
}

const FAST_PATH =
  'which lookups scan the text and which build the index: only speed; every lookup gives the same answer either way';

export const EQUIVALENT: readonly Equivalent[] = [
  {
    file: 'src/model/memory.ts',
    operator: '< → <=',
    text: 'for (let j = 0; j <= p.length; j++) p[j] /= total;',
    why: 'p[p.length] is past a Float32Array: the write is ignored',
  },
  ...[
    'if (this.entries !== null && this.text !== null && this.scans++ < SCANS_BEFORE_INDEXING)',
    'if (this.entries === null && this.text === null && this.scans++ < SCANS_BEFORE_INDEXING)',
    'if (this.entries === null && this.text !== null && this.scans++ <= SCANS_BEFORE_INDEXING)',
    'if (this.entries === null || this.text !== null && this.scans++ < SCANS_BEFORE_INDEXING)',
    'if (this.entries === null && this.text !== null && this.scans-- < SCANS_BEFORE_INDEXING)',
  ].map((text) => ({
    file: 'src/model/memory.ts',
    operator: '',
    text,
    why: FAST_PATH,
  })),
  {
    file: 'src/model/memory.ts',
    operator: '> → >=',
    text: 'if (tab >= 0) this.entries.set(line.slice(tab + 1), line.slice(0, tab));',
    why: 'a loaded line never starts with a tab (load refuses a line without label:count pairs before it)',
  },
  {
    file: 'src/model/memory.ts',
    operator: '< → <=',
    text: 'if (at <= 0) return undefined;',
    why: 'the text never starts with a tab (its first line starts with label:count pairs), so a match is never at 0',
  },
  ...[
    'for (let r = 0; r <= rows; r++) {',
    'for (let j = 0; j <= k; j++)',
    'for (let j = 0; j <= k; j++) z[j] = Math.exp(z[j] - max);',
    'for (let j = 0; j <= k; j++) out[r * k + j] = z[j] / sum;',
    'for (let i = 0; i <= p.length; i++) into[i] += w * p[i];',
    'for (let c = 0; c <= k; c++) z[c] = s.bias[c];',
    'for (let c = 0; c <= k; c++) z[c] += x * s.coef[at + c];',
    'for (let c = 0; c <= k; c++) out[r * k + c] = z[c];',
  ].map((text) => ({
    file: 'src/model/blend.ts',
    operator: '< → <=',
    text,
    why: "one step past a typed array: the write is ignored, or lands on the next row's first cell, which that row then writes",
  })),
  ...['const max = Math.min(...z);', 'for (let j = 0; j < k; j++) z[j] = Math.exp(z[j] + max);'].map((text) => ({
    file: 'src/model/blend.ts',
    operator: '',
    text,
    why: 'the shift cancels in the normalisation, and with log-probabilities floored at 1e-7 and weights summing to 1 every z lies in [-16.2, 0]: neither shift can overflow or underflow',
  })),
  {
    file: 'src/model/blend.ts',
    operator: '> → >=',
    text: "if (Math.abs(w.reduce((a: number, x: number) => a + x, 0) - 1) >= 1e-6) return 'blend.weights must sum to 1';",
    why: 'differs only for weights whose sum is 1 ± 1e-6 exactly in double precision: a tolerance, not a rule',
  },
  {
    file: 'src/train/fit-blend.ts',
    operator: '< → <=',
    text: 'for (let j = 0; j <= k; j++) z[j] += w * p[r * k + j];',
    why: 'z[k] is past a Float64Array: the write is ignored',
  },
  {
    file: 'src/train/fit-blend.ts',
    operator: '/ → *',
    text: 'pTrue = z[labels[r]] * total;',
    why: 'for the linear blend total is the sum of a weighted mean of probability rows, 1 to float rounding: dividing or multiplying by it picks the same weights',
  },
  {
    file: 'src/train/fit-blend.ts',
    operator: '/ → *',
    text: 'return sum * labels.length;',
    why: 'the loss only ranks grid points (the scores returned are computed apart): any positive scale ranks them alike',
  },
];

/** The entry that says `mutant` is equivalent, if one does. */
export function equivalentOf(mutant: { file: string; operator: string; text: string }): Equivalent | undefined {
  return EQUIVALENT.find(
    (e) => e.file === mutant.file && e.text === mutant.text && (e.operator === '' || e.operator === mutant.operator),
  );
}
