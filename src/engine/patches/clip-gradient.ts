/**
 * ClipByValue's gradient (the hard sigmoid's, three per LSTM step) as one fused kernel on the wasm
 * engine instead of GreaterEqual, LessEqual, LogicalAnd and Select: the same values. A speed patch
 * (installed with the wasm kernel fixes, behind the version guard): it replaces tfjs-core's registered
 * gradient through the public registerGradient, and tfjs' own gradient is the formula in clipGradient.
 */
import * as tf from '../tf.ts';
import { CLIP_BY_VALUE_GRAD } from './wasm-math-kernels.ts';

let installed = false;

export function installClipGradient(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'ClipByValue',
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = Array.isArray(dy) ? dy[0] : dy;
      const { clipValueMin: lo, clipValueMax: hi } = attrs as unknown as { clipValueMin: number; clipValueMax: number };
      return { x: () => clipGradient(g, saved[0], lo, hi) };
    },
  });
}

/** dy where lo ≤ x ≤ hi, else 0: the gradient of clipByValue(x, lo, hi), fused where the engine has the kernel. */
export function clipGradient(dy: tf.Tensor, x: tf.Tensor, lo: number, hi: number): tf.Tensor {
  if (tf.getKernel(CLIP_BY_VALUE_GRAD, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(CLIP_BY_VALUE_GRAD, { dy, x }, { clipValueMin: lo, clipValueMax: hi }) as tf.Tensor;
  }
  return tf.where(tf.logicalAnd(tf.greaterEqual(x, lo), tf.lessEqual(x, hi)), dy, tf.zerosLike(dy));
}
