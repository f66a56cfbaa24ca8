/**
 * Arithmetic kernels for the wasm engine, on the heap in plain loops:
 * - UnsortedSegmentSum (the embedding's gradient) is missing on wasm.
 * - Sum over leading axes (every bias gradient) transposes the whole input first on wasm.
 * - Multiply with a broadcast middle axis (SpatialDropout1D's mask) takes wasm's slow generic path.
 * - ClipByValue's gradient (hard sigmoid, three per LSTM step) is four kernels; here it is one.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs, TensorInfo } from './wasm-kernel-types.ts';

/** The fused gradient of ClipByValue: dy where min ≤ x ≤ max, else 0. */
export const CLIP_BY_VALUE_GRAD = 'SentimentClipByValueGrad';

export function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
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

/** a * b where one operand is [outer, 1…, inner] against the other's [outer, mid…, inner]. */
export function multiply({ inputs }: KernelArgs, wasm: BackendWasm): TensorInfo | null {
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length !== b.shape.length) return null;
  const aSize = tf.util.sizeFromShape(a.shape);
  const bSize = tf.util.sizeFromShape(b.shape);
  if (aSize === bSize) return null;
  const [big, small] = aSize > bSize ? [a, b] : [b, a];
  // The small operand's 1s must be one contiguous run of axes, equal to the big one's elsewhere.
  const ones = small.shape.map((d, i) => d !== big.shape[i]);
  const first = ones.indexOf(true);
  const last = ones.lastIndexOf(true);
  if (first < 0 || ones.slice(first, last + 1).some((o) => !o) || small.shape.slice(first, last + 1).some((d) => d !== 1)) return null;
  const outer = tf.util.sizeFromShape(big.shape.slice(0, first));
  const mid = tf.util.sizeFromShape(big.shape.slice(first, last + 1));
  const inner = tf.util.sizeFromShape(big.shape.slice(last + 1));
  const out = wasm.makeOutput(big.shape, 'float32');
  const x = wasm.typedArrayFromHeap(big);
  const m = wasm.typedArrayFromHeap(small);
  const dst = wasm.typedArrayFromHeap(out);
  for (let o = 0; o < outer; o++) {
    const mask = m.subarray(o * inner, (o + 1) * inner);
    for (let t = 0; t < mid; t++) {
      const base = (o * mid + t) * inner;
      for (let i = 0; i < inner; i++) dst[base + i] = x[base + i] * mask[i];
    }
  }
  return out;
}

export function clipByValueGrad({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo {
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
