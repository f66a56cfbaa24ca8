/**
 * Fixes to tfjs-core gradients, for every engine.
 * Unpack: with a single output the tape hands its gradient one tensor instead of a list, and
 * tfjs' stack() rejects it, so an LSTM over a one-step batch cannot train. Re-registered to
 * accept both.
 */
import * as tf from '@tensorflow/tfjs';

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
}
