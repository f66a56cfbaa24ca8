/** Flag value parsers: each rejects bad input with a message commander prints before exiting 1. */
import { InvalidArgumentError } from 'commander';
import { DECIMAL } from '../data/numbers.ts';
import {
  ABOVE_0,
  type AugmentKind,
  FRACTION,
  type Rule,
  SETTING_RULES,
  SHARE,
  WHOLE_AT_LEAST_0,
  WHOLE_AT_LEAST_1,
  WHOLE_AT_LEAST_2,
} from '../settings.ts';

const WHOLE = /^\s*\d+\s*$/;

/** A flag's value read as the library's rule for its setting reads it, with the rule's words when it fails. */
function byRule(rule: Rule, pattern: RegExp): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!pattern.test(value) || !rule.valid(n)) throw new InvalidArgumentError(`expected ${rule.expected}`);
    return n;
  };
}

export const positiveInt = byRule(WHOLE_AT_LEAST_1, WHOLE);
export const wholeNumber = byRule(WHOLE_AT_LEAST_0, WHOLE);
export const atLeastTwo = byRule(WHOLE_AT_LEAST_2, WHOLE);
/** A fraction in [0, 1). */
export const fraction = byRule(FRACTION, DECIMAL);
export const positiveNumber = byRule(ABOVE_0, DECIMAL);
/** A share in [0, 1]. */
export const share = byRule(SHARE, DECIMAL);
export const augmentShare = byRule(SETTING_RULES.augmentShare, DECIMAL);
export const temperature = byRule(SETTING_RULES.temperature, DECIMAL);

/** Comma-separated names, at least two, none empty: `neg,neutral,pos`. */
export function nameList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.length < 2 || names.some((n) => n === '') || new Set(names).size !== names.length)
    throw new InvalidArgumentError('expected two or more different names separated by commas, e.g. neg,neutral,pos');
  return names;
}

/** Augmentation kinds, comma-separated, checked by the setting's own rule: `spans,dropout`. */
export function augmentKinds(value: string): AugmentKind[] {
  const kinds = value.split(',').map((s) => s.trim());
  if (!SETTING_RULES.augment.valid(kinds))
    throw new InvalidArgumentError(`expected ${SETTING_RULES.augment.expected}, separated by commas`);
  return kinds as AugmentKind[];
}

/** A path: any text but the empty one (which would name the current directory's parent, or nothing). */
export function pathValue(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a path, got an empty one');
  return value;
}
