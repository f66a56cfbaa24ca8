/**
 * Kernel fixes for tfjs' WebAssembly backend, registered once; the rest of the code never knows.
 * - UnsortedSegmentSum (the embedding's gradient) is missing on wasm: added as an O(n) loop over the heap.
 * - BatchMatMul / _FusedMatMul with transposeA or transposeB run 10-45x slower than without on wasm:
 *   the operand is transposed first (a cheap copy) and the fast path is called.
 * - Unpack, SplitV, GatherV2 and Transpose (the LSTM's per-step slicing, the embedding lookup) are
 *   generic strided loops on wasm, 10-100x slower than a memcpy: replaced by block copies on the heap.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type TensorInfo = tf.TensorInfo;
type KernelFunc = tf.KernelConfig['kernelFunc'];
type KernelArgs = Parameters<KernelFunc>[0];

const BACKEND = 'wasm';
let installed = false;

/** The reference kernels, for tests that compare the fixes against them. */
export const referenceKernels = new Map<string, tf.KernelConfig>();

export function installWasmKernelFixes(): void {
  if (installed) return;
  installed = true;
  if (tf.getKernel('UnsortedSegmentSum', BACKEND) === undefined) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: BACKEND, kernelFunc: unsortedSegmentSum as KernelFunc });
  }
  for (const name of ['BatchMatMul', '_FusedMatMul']) wrapWithPreTranspose(name);
  replaceKernel('Unpack', unpack);
  replaceKernel('SplitV', splitV);
  replaceKernel('GatherV2', gatherV2);
  replaceKernel('Transpose', transposeKernel);
}

/** A kernel that returns null falls back to the reference kernel for that call. */
type FastKernel = (args: KernelArgs, wasm: BackendWasm) => TensorInfo | TensorInfo[] | null;

function replaceKernel(kernelName: string, fast: FastKernel): void {
  const original = tf.getKernel(kernelName, BACKEND);
  if (!original) return;
  referenceKernels.set(kernelName, original);
  const kernelFunc = (args: KernelArgs) => fast(args, args.backend as BackendWasm) ?? original.kernelFunc(args);
  tf.unregisterKernel(kernelName, BACKEND);
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as KernelFunc });
}

/** Copies `count` blocks of `inner` elements: block i from src offset srcOf(i) to dst offset i*inner. */
function copyBlocks(src: tf.TypedArray, dst: tf.TypedArray, count: number, inner: number, srcOf: (i: number) => number): void {
  for (let i = 0; i < count; i++) {
    const at = srcOf(i);
    dst.set(src.subarray(at, at + inner), i * inner);
  }
}

function unpack({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo[] {
  const value = inputs.value as TensorInfo;
  const rank = value.shape.length;
  let axis = (attrs as { axis: number }).axis;
  if (axis < 0) axis += rank;
  const n = value.shape[axis];
  const outer = tf.util.sizeFromShape(value.shape.slice(0, axis));
  const inner = tf.util.sizeFromShape(value.shape.slice(axis + 1));
  const outShape = value.shape.filter((_, i) => i !== axis);
  const outs = Array.from({ length: n }, () => wasm.makeOutput(outShape, value.dtype));
  const src = wasm.typedArrayFromHeap(value);
  outs.forEach((out, k) => copyBlocks(src, wasm.typedArrayFromHeap(out), outer, inner, (o) => (o * n + k) * inner));
  return outs;
}

function splitV({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo[] {
  const x = inputs.x as TensorInfo;
  const a = attrs as { numOrSizeSplits: number | number[]; axis: number };
  const rank = x.shape.length;
  const axis = a.axis < 0 ? a.axis + rank : a.axis;
  const sizes = tf.backend_util.prepareSplitSize(x, a.numOrSizeSplits, axis);
  const outer = tf.util.sizeFromShape(x.shape.slice(0, axis));
  const inner = tf.util.sizeFromShape(x.shape.slice(axis + 1));
  const dim = x.shape[axis];
  const outs = sizes.map((s) => wasm.makeOutput(x.shape.map((d, i) => (i === axis ? s : d)), x.dtype));
  const src = wasm.typedArrayFromHeap(x);
  let offset = 0;
  outs.forEach((out, k) => {
    const start = offset;
    copyBlocks(src, wasm.typedArrayFromHeap(out), outer, sizes[k] * inner, (o) => (o * dim + start) * inner);
    offset += sizes[k];
  });
  return outs;
}

function gatherV2({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  const indices = inputs.indices as TensorInfo;
  const a = attrs as { axis: number; batchDims?: number };
  if (a.batchDims) return null;
  const axis = a.axis < 0 ? a.axis + x.shape.length : a.axis;
  const outer = tf.util.sizeFromShape(x.shape.slice(0, axis));
  const dim = x.shape[axis];
  const inner = tf.util.sizeFromShape(x.shape.slice(axis + 1));
  const out = wasm.makeOutput([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
  const src = wasm.typedArrayFromHeap(x);
  const idx = wasm.typedArrayFromHeap(indices);
  const dst = wasm.typedArrayFromHeap(out);
  const m = idx.length;
  for (let j = 0; j < m; j++) {
    if (idx[j] < 0 || idx[j] >= dim) {
      wasm.disposeData(out.dataId);
      throw new Error(`GatherV2: index ${idx[j]} is not in [0, ${dim - 1}]`);
    }
  }
  for (let o = 0; o < outer; o++) {
    copyBlocks(src, dst.subarray(o * m * inner, (o + 1) * m * inner), m, inner, (j) => (o * dim + idx[j]) * inner);
  }
  return out;
}

/** Identity permutations become one copy; swaps of the last two axes a blocked transpose; others fall back. */
function transposeKernel({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  const perm = (attrs as { perm: number[] }).perm;
  const r = perm.length;
  const identity = perm.every((p, i) => p === i);
  const swapLast = r >= 2 && perm[r - 2] === r - 1 && perm[r - 1] === r - 2 && perm.slice(0, r - 2).every((p, i) => p === i);
  if (!identity && !swapLast) return null;
  const outShape = perm.map((p) => x.shape[p]);
  const out = wasm.makeOutput(outShape, x.dtype);
  const src = wasm.typedArrayFromHeap(x);
  const dst = wasm.typedArrayFromHeap(out);
  if (identity) {
    dst.set(src);
    return out;
  }
  const rows = x.shape[r - 2];
  const cols = x.shape[r - 1];
  const batches = tf.util.sizeFromShape(x.shape.slice(0, r - 2));
  const B = 32;
  for (let b = 0; b < batches; b++) {
    const base = b * rows * cols;
    for (let i0 = 0; i0 < rows; i0 += B) {
      const i1 = Math.min(rows, i0 + B);
      for (let j0 = 0; j0 < cols; j0 += B) {
        const j1 = Math.min(cols, j0 + B);
        for (let i = i0; i < i1; i++) {
          for (let j = j0; j < j1; j++) dst[base + j * rows + i] = src[base + i * cols + j];
        }
      }
    }
  }
  return out;
}

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const wasm = backend as BackendWasm;
  const x = inputs.x as TensorInfo;
  const segmentIds = inputs.segmentIds as TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const n = tf.util.sizeFromShape(segmentIds.shape);
  const inner = n === 0 ? 0 : tf.util.sizeFromShape(x.shape) / n;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = wasm.makeOutput(outShape, x.dtype);
  // Views after makeOutput: allocating may grow (and move) the heap.
  const xs = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  const o = wasm.typedArrayFromHeap(out);
  o.fill(0);
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue; // TF drops out-of-range ids
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) o[dst + k] += xs[src + k];
  }
  return out;
}

function wrapWithPreTranspose(kernelName: string): void {
  const original = tf.getKernel(kernelName, BACKEND);
  if (!original) return;
  referenceKernels.set(kernelName, original);
  const swapLast = (t: TensorInfo, backend: KernelArgs['backend']): TensorInfo => {
    const r = t.shape.length;
    const perm = [...Array(r - 2).keys(), r - 1, r - 2];
    return transposeKernel({ inputs: { x: t }, backend, attrs: { perm } }, backend as BackendWasm) as TensorInfo;
  };
  const kernelFunc = (args: KernelArgs): TensorInfo | TensorInfo[] => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const { backend } = args;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const temps: TensorInfo[] = [];
    const aT = attrs.transposeA ? swapLast(a, backend) : a;
    const bT = attrs.transposeB ? swapLast(b, backend) : b;
    if (aT !== a) temps.push(aT);
    if (bT !== b) temps.push(bT);
    try {
      return original.kernelFunc({
        ...args,
        inputs: { ...args.inputs, a: aT, b: bT },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temps) (backend as BackendWasm).disposeData(t.dataId);
    }
  };
  tf.unregisterKernel(kernelName, BACKEND);
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as KernelFunc });
}
