/** tfjs' own wasm kernels, taken before our fixes replace them, for tests and bench/kernels.ts to compare against. */
import * as tf from '../../../src/engine/tf.ts';
import '@tensorflow/tfjs-backend-wasm';

/** The kernels src/engine/patches/wasm-kernels.ts replaces. */
export const REPLACED = [
  'BatchMatMul',
  '_FusedMatMul',
  'Unpack',
  'SplitV',
  'Concat',
  'Slice',
  'GatherV2',
  'Transpose',
  'Identity',
  'Sum',
  'Tanh',
  'Reverse',
  'Equal',
  'Max',
] as const;

/** Call before the engine starts: afterwards the registry holds the replacements. */
export function captureReferenceKernels(): Map<string, tf.KernelConfig> {
  const kernels = new Map<string, tf.KernelConfig>();
  for (const name of REPLACED) {
    const k = tf.getKernel(name, 'wasm');
    if (k) kernels.set(name, { ...k });
  }
  return kernels;
}
