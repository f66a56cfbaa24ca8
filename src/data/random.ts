/** Seeded randomness, so a run's seed makes it repeatable. */
import seedrandom from 'seedrandom';
import { patchRan } from '../engine/patches/usage.ts';

export type Rng = () => number;

export function makeRng(seed: number | string): Rng {
  return seedrandom.alea(String(seed));
}

/** Fisher-Yates, in place. */
export function shuffleInPlace<T>(items: T[] | Int32Array, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
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
