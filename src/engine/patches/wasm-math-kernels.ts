/**
 * Arithmetic kernels for the wasm engine, on the heap in plain loops:
 * - UnsortedSegmentSum (the embedding's gradient) is missing on wasm.
 * - Sum over leading axes (every bias gradient) transposes the whole input first on wasm.
 * - ClipByValue's gradient (hard sigmoid, three per LSTM step) is four kernels; here it is one.
 * - Equal with broadcasting (max pooling's gradient compares every step with the maximum) takes a
 *   generic path on wasm, about 200 ns an element; here one strided loop.
 * - Tanh (two per LSTM step) calls libm's tanh per element on wasm, 17x slower than its XNNPACK
 *   Sigmoid: here tanh(x) = 2·sigmoid(2x) − 1 (absolute error ≤ 2.5e-7; near 0 that is a loss of
 *   relative precision, harmless for the LSTM's gate values).
 */
import * as tf from '../tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs, KernelFunc, TensorInfo } from '../kernel-registry.ts';
import { patchRan } from './usage.ts';

/** The fused gradient of ClipByValue: dy where min ≤ x ≤ max, else 0. */
export const CLIP_BY_VALUE_GRAD = 'SentimentClipByValueGrad';

export function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  patchRan('missing-wasm-kernels');
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

/** Column sums when the reduced axes lead (bias gradients); other reductions fall back. */
export function sum({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  const a = attrs as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2) return null;
  const axes = tf.util.parseAxisParam(a.axis, x.shape).sort((p, q) => p - q);
  const k = axes.length;
  if (k === 0 || k === rank || axes.some((ax, i) => ax !== i)) return null;
  const outer = tf.util.sizeFromShape(x.shape.slice(0, k));
  const inner = tf.util.sizeFromShape(x.shape.slice(k));
  const outShape = a.keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
  const out = wasm.makeOutput(outShape, 'float32');
  const src = wasm.typedArrayFromHeap(x);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const row = src.subarray(o * inner, (o + 1) * inner);
    for (let j = 0; j < inner; j++) acc[j] += row[j];
  }
  wasm.typedArrayFromHeap(out).set(acc);
  return out;
}

/** The fused gradient of ClipByValue, one loop over the heap. */
export function clipByValueGrad({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo {
  patchRan('wasm-kernels');
  const dy = inputs.dy as TensorInfo;
  const x = inputs.x as TensorInfo;
  const { clipValueMin: lo, clipValueMax: hi } = attrs as { clipValueMin: number; clipValueMax: number };
  const out = wasm.makeOutput(dy.shape, 'float32');
  const g = wasm.typedArrayFromHeap(dy);
  const v = wasm.typedArrayFromHeap(x);
  const dst = wasm.typedArrayFromHeap(out);
  for (let i = 0; i < dst.length; i++) dst[i] = v[i] >= lo && v[i] <= hi ? g[i] : 0;
  return out;
}

/** Scalars on the heap for tanh's affine steps, made once per backend (not engine tensors). */
const scalars = new WeakMap<BackendWasm, { one: TensorInfo; two: TensorInfo }>();

function scalarsOf(wasm: BackendWasm): { one: TensorInfo; two: TensorInfo } {
  let s = scalars.get(wasm);
  if (!s) {
    const make = (v: number) => {
      const t = wasm.makeOutput([], 'float32');
      wasm.typedArrayFromHeap(t)[0] = v;
      return t;
    };
    s = { one: make(1), two: make(2) };
    scalars.set(wasm, s);
  }
  return s;
}

/** tanh(x) = 2·sigmoid(2x) − 1, every step a SIMD kernel of wasm's own; absolute error ≤ 2.5e-7. */
export function tanh(args: KernelArgs, wasm: BackendWasm): TensorInfo | null {
  const x = args.inputs.x as TensorInfo;
  const [mul, sigmoid, sub] = ['Multiply', 'Sigmoid', 'Sub'].map((k) => tf.getKernel(k, 'wasm')?.kernelFunc);
  if (x.dtype !== 'float32' || !mul || !sigmoid || !sub) return null;
  const { one, two } = scalarsOf(wasm);
  const run = (f: KernelFunc, inputs: Record<string, TensorInfo>) =>
    f({ inputs, backend: wasm, attrs: {} }) as TensorInfo;
  const twiceX = run(mul, { a: x, b: two });
  const s = run(sigmoid, { x: twiceX });
  const twiceS = run(mul, { a: s, b: two });
  const out = run(sub, { a: twiceS, b: one });
  for (const t of [twiceX, s, twiceS]) wasm.disposeData(t.dataId);
  return out;
}

/**
 * The operands of a float32 comparison where one broadcasts along some axes of the other's shape:
 * `full` has the output's shape, `small` is 1 along some of its axes; null for any other case.
 */
export function broadcastOperands(a: TensorInfo, b: TensorInfo): { full: TensorInfo; small: TensorInfo } | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length !== b.shape.length) return null;
  const sameShape = a.shape.every((d, i) => d === b.shape[i]);
  const bAlongA = b.shape.every((d, i) => d === a.shape[i] || d === 1);
  const aAlongB = a.shape.every((d, i) => d === b.shape[i] || d === 1);
  if (sameShape || !(bAlongA || aAlongB)) return null;
  const [full, small] = bAlongA ? [a, b] : [b, a];
  return { full, small };
}

/**
 * `full` as [outer, mid, inner] where `small` is 1 along one run of axes (mid) and equal elsewhere:
 * max over time compares [batch, steps, units] against [batch, 1, units]. Null when its size-1 axes
 * are not one run.
 */
export function alongOneRun(full: TensorInfo, small: TensorInfo): { outer: number; mid: number; inner: number } | null {
  const shape = full.shape;
  const ones = shape.map((_, i) => small.shape[i] === 1 && shape[i] !== 1);
  const first = ones.indexOf(true);
  const last = ones.lastIndexOf(true);
  if (first < 0 || !ones.slice(first, last + 1).every(Boolean)) return null;
  return {
    outer: tf.util.sizeFromShape(shape.slice(0, first)),
    mid: tf.util.sizeFromShape(shape.slice(first, last + 1)),
    inner: tf.util.sizeFromShape(shape.slice(last + 1)),
  };
}

/** a == b where b broadcasts along some axes of a's shape (or a along b's): a strided loop; other cases fall back. */
export function equal({ inputs }: KernelArgs, wasm: BackendWasm): TensorInfo | null {
  const operands = broadcastOperands(inputs.a as TensorInfo, inputs.b as TensorInfo);
  if (!operands) return null;
  const { full, small } = operands;
  const shape = full.shape;
  // Strides of the broadcast operand: 0 along its size-1 axes.
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = small.shape[i] === 1 ? 0 : s;
    s *= small.shape[i];
  }
  const out = wasm.makeOutput([...shape], 'bool');
  const o = wasm.typedArrayFromHeap(out) as Uint8Array;
  const f = wasm.typedArrayFromHeap(full) as Float32Array;
  const g = wasm.typedArrayFromHeap(small) as Float32Array;
  // One run of broadcast axes is three plain loops.
  const run = alongOneRun(full, small);
  if (run) {
    const { outer, mid, inner } = run;
    for (let p = 0, i = 0; p < outer; p++) {
      for (let m = 0; m < mid; m++) {
        for (let q = 0, at = p * inner; q < inner; q++, i++, at++) o[i] = f[i] === g[at] ? 1 : 0;
      }
    }
    return out;
  }
  const index = new Array<number>(shape.length).fill(0);
  let at = 0;
  for (let i = 0; i < o.length; i++) {
    o[i] = f[i] === g[at] ? 1 : 0;
    // The next index, carrying over the axes; the broadcast operand's offset follows.
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] += 1;
      at += strides[d];
      if (index[d] < shape[d]) break;
      at -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}
