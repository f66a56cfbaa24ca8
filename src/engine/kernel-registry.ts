/**
 * Every kernel this tool gives tfjs' wasm backend is registered here: the wasm kernel fixes
 * (patches/wasm-kernels.ts), the fused LSTM (model/lstm/kernels.ts) and the one-pass Adam
 * (model/adam.ts). tfjs' registry is global, so one room says what is replaced and how.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from './tf.ts';

export type TensorInfo = tf.TensorInfo;
export type KernelFunc = tf.KernelConfig['kernelFunc'];
export type KernelArgs = Parameters<KernelFunc>[0];
/** A kernel on the wasm heap. */
export type WasmKernel = (args: KernelArgs, wasm: BackendWasm) => TensorInfo | TensorInfo[];

/** A kernel on the wasm heap; returning null falls back to tfjs' own kernel (`original`) for that call. */
export type FastKernel = (
  args: KernelArgs,
  wasm: BackendWasm,
  original: KernelFunc,
) => TensorInfo | TensorInfo[] | null;

const BACKEND = 'wasm';

function asKernelFunc(kernel: WasmKernel): KernelFunc {
  return ((args: KernelArgs) => kernel(args, args.backend as BackendWasm)) as KernelFunc;
}

/** `kernel` as `name`, over any kernel of that name (one of ours bound to an earlier addon). */
export function setWasmKernel(name: string, kernel: WasmKernel): void {
  if (tf.getKernel(name, BACKEND)) tf.unregisterKernel(name, BACKEND);
  tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: asKernelFunc(kernel) });
}

/** `kernel` as `name` only where tfjs has none of that name (a kernel tfjs may add one day). */
export function addWasmKernel(name: string, kernel: WasmKernel): void {
  if (tf.getKernel(name, BACKEND) !== undefined) return;
  tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: asKernelFunc(kernel) });
}

/**
 * tfjs' kernel `name` wrapped: `fast` answers, or returns null and tfjs' own runs; `answered` is told
 * each time `fast` answered. Wrapping twice chains (the second's original is the first).
 */
export function wrapWasmKernel(name: string, fast: FastKernel, answered: () => void): void {
  const original = tf.getKernel(name, BACKEND);
  if (!original) return;
  const kernelFunc = (args: KernelArgs) => {
    const out = fast(args, args.backend as BackendWasm, original.kernelFunc);
    if (out === null) return original.kernelFunc(args);
    answered();
    return out;
  };
  tf.unregisterKernel(name, BACKEND);
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as KernelFunc });
}
