/**
 * tfjs' dropout with the same masks, built in one loop. tfjs draws a mask through three JavaScript
 * calls a value and then runs three kernels over it (add the keep probability, floor, divide by it):
 * ~9 ms of a 512-row training step with four masks. Here the same Alea stream, seeded as tfjs seeds
 * it (from Math.random when no seed is given), is read in one loop and each value rounded as those
 * float32 kernels round it, so masks and training stay the same to the bit (test/engine/patches/dropout.test.ts).
 * tfjs-layers' Dropout and SpatialDropout1D reach it through the core's exports; the LSTM takes its
 * masks from dropoutMask.
 */
import { createRequire } from 'node:module';
import type * as Core from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { patchRan } from './usage.ts';

type Dropout = typeof Core.dropout;
let installed = false;

/** Once, when an engine starts: tfjs-layers reads `dropout` from the core's exports at each call. */
export function installFastDropout(): void {
  if (installed) return;
  installed = true;
  const core = createRequire(import.meta.url)('@tensorflow/tfjs-core') as typeof Core;
  const original = core.dropout;
  const fast: Dropout = (x, rate, noiseShape, seed) => {
    // Anything but a float tensor and a rate strictly between 0 and 1 goes to tfjs (its checks, its errors).
    if (!(x instanceof core.Tensor) || x.dtype !== 'float32' || !(rate > 0 && rate < 1))
      return original(x, rate, noiseShape, seed);
    patchRan('dropout');
    const shape = maskShape(x.shape, noiseShape);
    const mask = dropoutMask(core.util.sizeFromShape(shape), rate, seed);
    return core.tidy(() => core.mul(x, core.tensor(mask, shape, 'float32')));
  };
  (core as { dropout: Dropout }).dropout = fast;
}

/** tfjs' getNoiseShape: the noise shape with its unknown axes taken from x. */
function maskShape(shape: number[], noiseShape: number[] | undefined): number[] {
  if (noiseShape == null) return shape.slice();
  if (noiseShape.length !== shape.length) return noiseShape;
  return noiseShape.map((d, i) => (d == null ? shape[i] : d));
}

/**
 * floor(u + keep) / keep for each uniform draw u, every step in float32 as tfjs' kernels compute it:
 * a sum or quotient of two float32 values worked in double and rounded once is the float32 result.
 */
export function dropoutMask(size: number, rate: number, seed?: number | string): Float32Array {
  patchRan('dropout');
  const keep = Math.fround(1 - rate);
  const kept = Math.fround(1 / keep);
  // Alea's state after seeding, then its step (seedrandom's lib/alea.js) on local variables: through
  // the library's closure a draw costs ~18 ns, a quarter of a 512-row step for four masks.
  const start = seedrandom.alea(String(seed ?? Math.random()), { state: true }).state() as AleaState;
  let { c, s0, s1, s2 } = start;
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    // Multiplied, not branched on: a draw kept or dropped at random is a branch mispredicted a third of the time.
    mask[i] = kept * +(Math.fround(Math.fround(s2) + keep) >= 1);
  }
  return mask;
}

interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}
