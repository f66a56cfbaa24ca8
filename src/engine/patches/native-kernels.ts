/**
 * Kernels the blas engine runs in the native addon, with the same bits as the wasm kernels they
 * stand in for (test/engine/patches/native-kernels.test.ts); each returns null (tfjs' or our wasm kernel
 * runs) when the running engine has no addon or the case is not one it takes.
 * - BatchMatMul: tfjs' wasm product runs XNNPACK's 128-bit WebAssembly kernels on one thread, after
 *   transposed copies of transposed operands; the addon sums each output in the same order with the
 *   same float32 rounding, on the machine's own vector width, reading a transposed left operand in
 *   place, on two threads when large: the Dense layer's three products a step go from ~13 to ~3 ms. Products with more than one
 *   matrix, or fewer than 16 output columns, stay with tfjs.
 * - UnsortedSegmentSum (the embedding's gradient): the JavaScript loop of wasm-math-kernels.ts,
 *   vectorised; ~9 ms a step at 512 × 8.
 * - Max over one axis that is not the last, and Equal of a tensor against it: max over time (the
 *   member on vectors pools its BiLSTM's steps) and the mask of its gradient. tfjs' wasm Max first
 *   transposes the axis to the end; a JavaScript loop was no faster. No arithmetic, so the same values.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type FusedLstmAddon, withOutputs } from '../native-addon.ts';
import * as tf from '../tf.ts';
import type { KernelArgs, TensorInfo } from '../kernel-registry.ts';
import { alongOneRun, broadcastOperands } from './wasm-math-kernels.ts';

const MIN_COLUMNS = 16;

/** The BatchMatMul kernel: the addon's product when `addon()` gives one that has it. */
export function nativeMatMul(addon: () => FusedLstmAddon | null) {
  return (args: KernelArgs, wasm: BackendWasm): TensorInfo | null => {
    const native = addon();
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const { transposeA = false, transposeB = false } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!native || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2)
      return null;
    if (!oneMatrix(a.shape) || !oneMatrix(b.shape)) return null;
    const [ar, ac] = a.shape.slice(-2);
    const [br, bc] = b.shape.slice(-2);
    const [m, k] = transposeA ? [ac, ar] : [ar, ac];
    const [kb, n] = transposeB ? [bc, br] : [br, bc];
    // Mismatched shapes go to tfjs for its error.
    if (k !== kb || n < MIN_COLUMNS || m === 0 || k === 0) return null;
    // tfjs' output: the longer operand's leading axes (all 1 here), then [m, n].
    const outer = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2);
    const out = wasm.makeOutput([...outer, m, n], 'float32');
    const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
    withOutputs(wasm, [out], () =>
      native.matmul({ m, k, n, a: view(a), b: view(b), c: view(out), transposeA, transposeB }),
    );
    return out;
  };
}

/** The UnsortedSegmentSum kernel: the addon's when `addon()` gives one that has it. */
export function nativeSegmentSum(addon: () => FusedLstmAddon | null) {
  return (args: KernelArgs, wasm: BackendWasm): TensorInfo | null => {
    const native = addon();
    const x = args.inputs.x as TensorInfo;
    const ids = args.inputs.segmentIds as TensorInfo;
    const segments = (args.attrs as { numSegments: number }).numSegments;
    const n = sizeOf(ids.shape);
    if (!native || x.dtype !== 'float32' || ids.dtype !== 'int32' || n === 0 || segments < 1) return null;
    const inner = sizeOf(x.shape) / n;
    if (!Number.isInteger(inner) || inner < 1) return null;
    const out = wasm.makeOutput([segments, ...x.shape.slice(ids.shape.length)], 'float32');
    withOutputs(wasm, [out], () =>
      native.segmentSum({
        n,
        inner,
        segments,
        x: wasm.typedArrayFromHeap(x) as Float32Array,
        ids: wasm.typedArrayFromHeap(ids) as Int32Array,
        out: wasm.typedArrayFromHeap(out) as Float32Array,
      }),
    );
    return out;
  };
}

/** The Max kernel over one axis before the last: the addon's when `addon()` gives one that has it. */
export function nativeMax(addon: () => FusedLstmAddon | null) {
  return (args: KernelArgs, wasm: BackendWasm): TensorInfo | null => {
    const native = addon();
    const x = args.inputs.x as TensorInfo;
    const { reductionIndices, keepDims } = args.attrs as { reductionIndices: number | number[]; keepDims: boolean };
    if (!native || x.dtype !== 'float32' || sizeOf(x.shape) === 0) return null;
    const axes = tf.util.parseAxisParam(reductionIndices, x.shape);
    // Along the last axis tfjs' own kernel reads the data as it lies.
    if (axes.length !== 1 || axes[0] === x.shape.length - 1) return null;
    const axis = axes[0];
    const out = wasm.makeOutput(
      keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis),
      'float32',
    );
    const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
    withOutputs(wasm, [out], () =>
      native.maxAlong({
        outer: sizeOf(x.shape.slice(0, axis)),
        mid: x.shape[axis],
        inner: sizeOf(x.shape.slice(axis + 1)),
        x: view(x),
        out: view(out),
      }),
    );
    return out;
  };
}

/** The Equal kernel of a tensor against one that is 1 along a run of its axes: the addon's when it has it. */
export function nativeEqual(addon: () => FusedLstmAddon | null) {
  return (args: KernelArgs, wasm: BackendWasm): TensorInfo | null => {
    const native = addon();
    if (!native) return null;
    const operands = broadcastOperands(args.inputs.a as TensorInfo, args.inputs.b as TensorInfo);
    if (!operands || sizeOf(operands.full.shape) === 0) return null;
    const { full, small } = operands;
    const run = alongOneRun(full, small);
    if (!run) return null;
    const out = wasm.makeOutput([...full.shape], 'bool');
    const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
    withOutputs(wasm, [out], () =>
      native.equalAlong({
        ...run,
        full: view(full),
        small: view(small),
        out: wasm.typedArrayFromHeap(out) as Uint8Array,
      }),
    );
    return out;
  };
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function oneMatrix(shape: number[]): boolean {
  return shape.slice(0, -2).every((d) => d === 1);
}
