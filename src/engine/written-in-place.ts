/**
 * tfjs treats a tensor's data as never changing, and so does anything that caches by it (the
 * transposed weights of patches/wasm-kernels.ts). The one writer in place, Adam's row update of a
 * large variable (src/model/adam.ts), counts each write here, so that a cached copy knows it is stale.
 */
const writes = new WeakMap<object, number>();

/** Records that the data behind `dataId` was just written in place. */
export function wroteInPlace(dataId: object): void {
  writes.set(dataId, (writes.get(dataId) ?? 0) + 1);
}

/** How many times the data behind `dataId` was written in place (0: never; it is as tfjs made it). */
export function writesInPlace(dataId: object): number {
  return writes.get(dataId) ?? 0;
}
