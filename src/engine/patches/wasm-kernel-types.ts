/** Types shared by the wasm kernel fixes. */
import type * as tf from '../tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type TensorInfo = tf.TensorInfo;
export type KernelFunc = tf.KernelConfig['kernelFunc'];
export type KernelArgs = Parameters<KernelFunc>[0];

/** A kernel on the wasm heap; returning null falls back to tfjs' own kernel (`original`) for that call. */
export type FastKernel = (
  args: KernelArgs,
  wasm: BackendWasm,
  original: KernelFunc,
) => TensorInfo | TensorInfo[] | null;
