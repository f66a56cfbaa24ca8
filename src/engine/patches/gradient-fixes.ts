/**
 * A fix to a tfjs-core gradient, for every engine (a shim): with a single output the tape hands
 * Unpack's gradient one tensor instead of a list, and tfjs' stack() rejects it, so an LSTM over a
 * one-step batch cannot train. Re-registered to accept both.
 */
import * as tf from '../tf.ts';
import { patchRan } from './usage.ts';

let installed = false;

export function installGradientFixes(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'Unpack',
    gradFunc: (dy: tf.Tensor | tf.Tensor[], _saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      patchRan('unpack-gradient');
      const axis = (attrs as unknown as { axis: number }).axis;
      return { value: () => tf.stack(Array.isArray(dy) ? dy : [dy], axis) };
    },
  });
}
