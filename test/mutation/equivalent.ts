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
  {
    file: 'src/data/split.ts',
    operator: '> → >=',
    text: 'const at = validationSplit >= 0 ? validationSplitIndex(n, validationSplit) : n;',
    why: 'with a split of 0 the index is floor(n · 1) = n: the same cut',
  },
  {
    file: 'src/data/split.ts',
    operator: '< → <=',
    text: 'for (let i = 0; i <= out.length; i++) out[i] = start + i;',
    why: 'out[out.length] is past an Int32Array: the write is ignored',
  },
  {
    file: 'src/data/split.ts',
    operator: '<= → <',
    text: 'if (validationSplit < 0) return splitRows(groups.length, 0);',
    why: 'a split of 0 then cuts at floor(n · 1) = n: every group starts before it, so every row trains, as the early return gives',
  },
  {
    file: 'src/data/split.ts',
    operator: '> → >=',
    text: 'for (let i = distinct.length - 1; i >= 0; i--) {',
    why: 'the extra step swaps the first group with itself (j = floor(rng() · 1) = 0); the one more draw comes after every draw that counts',
  },
  {
    file: 'src/data/table.ts',
    operator: '< → <=',
    text: 'for (let start = 0; start <= bytes.length; line++) {',
    why: 'the loop stops at the bad line, which comes before the end: one more turn past the end is never reached',
  },
  {
    file: 'src/data/table.ts',
    operator: '> → >=',
    text: "const crlf = first >= 0 && text[first - 1] === '\\r';",
    why: 'first is never below 0 here (returned above), and at 0 text[-1] is undefined, not a CR: the same value',
  },
  {
    file: 'src/data/table.ts',
    operator: '>= → >',
    text: "for (let i = text.indexOf('\\n', first + 1); i > 0; i = text.indexOf('\\n', i + 1), line++) {",
    why: 'i comes from indexOf from first + 1 ≥ 1: it is never 0',
  },
  {
    file: 'src/data/table.ts',
    operator: '> → >=',
    text: "if ((i >= 0 && text[i - 1] === '\\r') !== crlf) {",
    why: 'inside the loop i ≥ 1',
  },
  {
    file: 'src/data/table.ts',
    operator: '> → >=',
    text: 'while (records.length >= 1 && isBlank(records[records.length - 1])) records.pop();',
    why: 'a file of blank lines alone is refused as empty before parsing: the header is never blank, so the loop stops at it either way',
  },
  {
    file: 'src/data/table.ts',
    operator: '< → <=',
    text: 'for (let i = 0; i <= text.length; i++) {',
    why: 'text[text.length] is undefined: no character matches',
  },
  {
    file: 'src/data/table.ts',
    operator: '< → <=',
    text: 'for (let i = 0; i <= line.length; i++) {',
    why: 'line[line.length] is undefined: no character matches',
  },
  {
    file: 'src/data/table.ts',
    operator: '&& → ||',
    text: "else if (c === '-' || (c >= '0' || c <= '9')) {",
    why: 'only speed: the number pattern starts with - or a digit, so at any other character it does not match and the loop goes on',
  },
  {
    file: 'src/data/table.ts',
    operator: 'continue → break',
    text: 'if (!m) break;',
    why: 'a - outside a string that starts no number is invalid JSON: the line fails to parse either way, with the words of JSON.parse about the line as written',
  },
  {
    file: 'src/data/table.ts',
    operator: '> → >=',
    text: "while (lines.length >= 0 && lines[lines.length - 1].trim() === '') lines.pop();",
    why: 'a file of blank lines alone is refused as empty before: a line that is not blank stops the loop before the list is empty',
  },
  {
    file: 'src/data/padding.ts',
    operator: '> → >=',
    text: 'return seq.length >= maxLen ? seq.slice(seq.length - maxLen) : seq;',
    why: 'at exactly maxLen tokens slice(0) gives a copy with the same tokens; no caller changes what it gets',
  },
  {
    file: 'src/predict/predictor.ts',
    operator: '|| → &&',
    text: 'return outputs.length === 1 && !this.loaded.blend',
    why: 'a model of several members always has a blend (meta.json without one is refused), and one of a single member has none',
  },
];

/** The entry that says `mutant` is equivalent, if one does. */
export function equivalentOf(mutant: { file: string; operator: string; text: string }): Equivalent | undefined {
  return EQUIVALENT.find(
    (e) => e.file === mutant.file && e.text === mutant.text && (e.operator === '' || e.operator === mutant.operator),
  );
}
