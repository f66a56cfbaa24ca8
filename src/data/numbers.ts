/**
 * Numbers read from text, as the tool reads them everywhere: decimal notation only (`0x10`, `0b1`,
 * `Infinity` and the empty text are not numbers, though JavaScript's Number() takes them), and a value
 * stored as float32 checked as stored (1e300 is finite as a double, Infinity as a float32).
 */
export const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** The number `text` writes in decimal, or null. */
export function decimal(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** The float32 `text` writes in decimal, or null when it is no number or past float32's range. */
export function float32(text: string): number | null {
  const n = decimal(text);
  if (n === null) return null;
  const f = Math.fround(n);
  return Number.isFinite(f) ? f : null;
}
