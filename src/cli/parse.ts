/** Flag value parsers: each rejects bad input with a message commander prints before exiting 1. */
import { InvalidArgumentError } from 'commander';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected a whole number of at least 0');
  return n;
}

export function atLeastTwo(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 2)
    throw new InvalidArgumentError('expected a whole number of at least 2');
  return n;
}

/** Comma-separated names, at least two, none empty: `neg,neutral,pos`. */
export function nameList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.length < 2 || names.some((n) => n === '') || new Set(names).size !== names.length)
    throw new InvalidArgumentError('expected two or more different names separated by commas, e.g. neg,neutral,pos');
  return names;
}

/** A fraction in [0, 1). */
export function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1)
    throw new InvalidArgumentError('expected a number from 0 up to (not including) 1');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

/** A path: any text but the empty one (which would name the current directory's parent, or nothing). */
export function pathValue(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a path, got an empty one');
  return value;
}
