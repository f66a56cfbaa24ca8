/** Seeded randomness, so a run's seed makes it repeatable. */
import seedrandom from 'seedrandom';
import { patchRan } from '../engine/patches/usage.ts';
import type { Rng } from './shuffle.ts';

export { type Rng, shuffleInPlace } from './shuffle.ts';

export function makeRng(seed: number | string): Rng {
  return seedrandom.alea(String(seed));
}

/**
 * Runs `fn` with Math.random seeded. tfjs draws the seeds of its unseeded initialisers and
 * dropout masks from Math.random, so this makes weights and masks repeatable on every engine.
 */
export async function withSeededMathRandom<T>(seed: number | string, fn: () => Promise<T>): Promise<T> {
  const original = Math.random;
  patchRan('seeded-math-random');
  Math.random = seedrandom.alea(`math:${seed}`);
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}
