/**
 * Fixes to tfjs-core gradients, for every engine.
 * - Unpack: with a single output the tape hands its gradient one tensor instead of a list, and
 *   tfjs' stack() rejects it, so an LSTM over a one-step batch cannot train. Re-registered to
 *   accept both.
 * - ClipByValue (hard sigmoid): one fused kernel where the engine has it (wasm), instead of
 *   GreaterEqual, LessEqual, LogicalAnd and Select; the same values.
 */
import * as tf from '../tf.ts';
import { CLIP_BY_VALUE_GRAD } from './wasm-math-kernels.ts';

let installed = false;

export function installGradientFixes(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'Unpack',
    gradFunc: (dy: tf.Tensor | tf.Tensor[], _saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const axis = (attrs as unknown as { axis: number }).axis;
      return { value: () => tf.stack(Array.isArray(dy) ? dy : [dy], axis) };
    },
  });
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

/** dy where lo ≤ x ≤ hi, else 0: the gradient of clipByValue(x, lo, hi). */
export function clipGradient(dy: tf.Tensor, x: tf.Tensor, lo: number, hi: number): tf.Tensor {
  if (tf.getKernel(CLIP_BY_VALUE_GRAD, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(CLIP_BY_VALUE_GRAD, { dy, x }, { clipValueMin: lo, clipValueMax: hi }) as tf.Tensor;
  }
  return tf.where(tf.logicalAnd(tf.greaterEqual(x, lo), tf.lessEqual(x, hi)), dy, tf.zerosLike(dy));
}
