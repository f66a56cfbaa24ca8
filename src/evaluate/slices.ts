/** Accuracy of the rows grouped by a number each row has (its length in tokens, its unknown words). */

export interface Slice {
  /** What the rows have, as a reader says it: "1", "3–5", "31+". */
  label: string;
  count: number;
  /** Share answered right (NaN without rows). */
  accuracy: number;
}

/**
 * Rows grouped by `value` into ranges starting at each of `starts` (ascending; the last is open):
 * [1, 2, 3, 6] gives 1, 2, 3–5, 6+.
 */
export function accuracyBy(value: ArrayLike<number>, correct: ArrayLike<boolean>, starts: readonly number[]): Slice[] {
  const count = new Array<number>(starts.length).fill(0);
  const hits = new Array<number>(starts.length).fill(0);
  for (let i = 0; i < value.length; i++) {
    let s = -1;
    while (s + 1 < starts.length && value[i] >= starts[s + 1]) s++;
    if (s < 0) continue;
    count[s] += 1;
    if (correct[i]) hits[s] += 1;
  }
  return starts.map((start, s) => {
    const next = starts[s + 1];
    const label = next === undefined ? `${start}+` : next - 1 === start ? `${start}` : `${start}–${next - 1}`;
    return { label, count: count[s], accuracy: count[s] ? hits[s] / count[s] : Number.NaN };
  });
}
