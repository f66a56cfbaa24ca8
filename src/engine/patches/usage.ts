/**
 * Which patches have run in this process. Each marks itself where it does its work, so the guard test
 * (test/engine/patches/guard.test.ts) can tell a patch that ran from one that was merely installed: a
 * patch whose guarding test passes without it having run guards nothing.
 */

/** One name per entry of PATCHES (index.ts). */
export const PATCH_NAMES = [
  'chained-ops',
  'unpack-gradient',
  'missing-wasm-kernels',
  'seeded-math-random',
  'quiet-warning',
  'fused-lstm-class',
  'dropout',
  'wasm-threads',
  'wasm-kernels',
  'native-kernels',
  'layers-internals',
  'tensorflow-ops',
  'adam-internals',
] as const;

export type PatchName = (typeof PATCH_NAMES)[number];

const ran = new Set<PatchName>();

/** Called where the patch does its work: one Set insertion, cheap next to a kernel call. */
export function patchRan(name: PatchName): void {
  ran.add(name);
}

/** The patches that have run so far in this process. */
export function patchesRan(): PatchName[] {
  return [...ran];
}
