import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { concat, gatherV2, identity, reverse, slice, splitV, transposeKernel, unpack } from './wasm-copy-kernels.ts';
import type { FusedLstmAddon } from '../native-addon.ts';
import { writesInPlace } from '../written-in-place.ts';
import { type PatchName, patchRan } from './usage.ts';
import { nativeEqual, nativeMatMul, nativeMax, nativeSegmentSum } from './native-kernels.ts';
import {
  addWasmKernel,
  type FastKernel,
  type KernelArgs,
  type KernelFunc,
  type TensorInfo,
  type WasmKernel,
  wrapWasmKernel,
} from '../kernel-registry.ts';
import { installClipGradient } from './clip-gradient.ts';
import { CLIP_BY_VALUE_GRAD, clipByValueGrad, equal, sum, tanh, unsortedSegmentSum } from './wasm-math-kernels.ts';

const _BACKEND = 'wasm';
let installed = false;

/**
 * A shim, on with or without the speed patches: tfjs' wasm backend has no UnsortedSegmentSum, the
 * embedding's gradient, so nothing could train on it. Registered only where tfjs has none.
 */
export function installMissingWasmKernels(): void {
  addKernel('UnsortedSegmentSum', unsortedSegmentSum);
}

/** `nativeAddon` gives the blas engine's addon while that engine runs (its products go native), else null. */
export function installWasmKernelFixes(nativeAddon: () => FusedLstmAddon | null): void {
  if (installed) return;
  installed = true;
  installMissingWasmKernels();
  replaceKernel('UnsortedSegmentSum', nativeSegmentSum(nativeAddon), 'native-kernels');
  addKernel(CLIP_BY_VALUE_GRAD, clipByValueGrad);
  installClipGradient();
  for (const name of ['BatchMatMul', '_FusedMatMul']) replaceKernel(name, preTransposed);
  replaceKernel('BatchMatMul', nativeMatMul(nativeAddon), 'native-kernels');
  replaceKernel('Unpack', unpack);
  replaceKernel('SplitV', splitV);
  replaceKernel('Concat', concat);
  replaceKernel('Slice', slice);
  replaceKernel('GatherV2', gatherV2);
  replaceKernel('Transpose', transposeKernel);
  replaceKernel('Identity', identity);
  replaceKernel('Sum', sum);
  replaceKernel('Tanh', tanh);
  replaceKernel('Reverse', reverse);
  replaceKernel('Equal', equal);
  replaceKernel('Equal', nativeEqual(nativeAddon), 'native-kernels');
  replaceKernel('Max', nativeMax(nativeAddon), 'native-kernels');
}

function addKernel(name: string, kernel: WasmKernel): void {
  addWasmKernel(name, kernel);
}

function replaceKernel(name: string, fast: FastKernel, patch: PatchName = 'wasm-kernels'): void {
  wrapWasmKernel(name, fast, () => patchRan(patch));
}

/**
 * Transposed copies of recent operands, keyed by their data. Tensors are immutable and a variable
 * gets new data when assigned, so a live entry is current unless its data was written in place
 * since (written-in-place.ts counts it); the LSTM's backward pass reads the same two kernels at
 * every time step.
 */
class TransposeCache {
  private entries: { source: object; shape: string; writes: number; transposed: TensorInfo }[] = [];
  constructor(private readonly size: number) {}

  get(t: TensorInfo, wasm: BackendWasm, transpose: (t: TensorInfo) => TensorInfo): TensorInfo {
    // A reshape shares its data: the shape is part of the key; so is a write in place.
    const shape = t.shape.join('x');
    const writes = writesInPlace(t.dataId);
    const hit = this.entries.find((e) => e.source === t.dataId && e.shape === shape && e.writes === writes);
    if (hit && wasm.dataIdMap.has(t.dataId)) return hit.transposed;
    const transposed = transpose(t);
    this.entries.unshift({ source: t.dataId, shape, writes, transposed });
    for (const old of this.entries.splice(this.size)) wasm.disposeData(old.transposed.dataId);
    return transposed;
  }
}

/** Weights are the right-hand operands: cache those; a left operand is new at every step. */
const transposedWeights = new TransposeCache(4);

/** A product with transposeA/transposeB as the fast untransposed product of transposed copies. */
function preTransposed(args: KernelArgs, wasm: BackendWasm, original: KernelFunc): TensorInfo | TensorInfo[] | null {
  const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
  if (!attrs.transposeA && !attrs.transposeB) return null;
  const swapLast = (t: TensorInfo): TensorInfo => {
    const r = t.shape.length;
    return transposeKernel(
      { inputs: { x: t }, backend: wasm, attrs: { perm: [...Array(r - 2).keys(), r - 1, r - 2] } },
      wasm,
    ) as TensorInfo;
  };
  const a = args.inputs.a as TensorInfo;
  const b = args.inputs.b as TensorInfo;
  const aT = attrs.transposeA ? swapLast(a) : a;
  const bT = attrs.transposeB ? transposedWeights.get(b, wasm, swapLast) : b;
  try {
    return original({
      ...args,
      inputs: { ...args.inputs, a: aT, b: bT },
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    });
  } finally {
    if (aT !== a) wasm.disposeData(aT.dataId);
  }
}
