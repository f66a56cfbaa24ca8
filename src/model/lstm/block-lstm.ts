/**
 * The LSTM through TensorFlow's fused kernels on the tensorflow engine, for sigmoid gates (they have no
 * hard sigmoid, so the seed's LSTM stays on the ops path):
 * - without recurrent dropout (the member on word vectors; inference), `BlockLSTMV2` forward and
 *   `BlockLSTMGradV2` back: one op each for the whole sequence instead of ~45 small ops a step. Its
 *   gates are i, f, c̃, o like tfjs' (and Keras'), its kernel the input and recurrent kernels stacked.
 * - with it (`--recurrent-activation sigmoid` and the default dropout), `LSTMBlockCell` and
 *   `LSTMBlockCellGrad` a step: the cell multiplies the previous output inside, so it is handed the
 *   previous output already masked, which is what recurrent dropout is. Their gates are i, c̃, f, o:
 *   the weights are reordered once a batch, their gradients back.
 * Input dropout is a mask fixed across time: applied to x before either.
 */
import * as tf from '../../engine/tf.ts';
import type { OpAttr, TensorflowOps } from '../../engine/speed-layer.ts';
import type { GateActivation, LstmSequenceInputs } from './sequence-inputs.ts';

/** Whether an LSTM with these settings can run on the fused kernels. */
export function fitsBlockLstm(gate: GateActivation): boolean {
  return gate === 'sigmoid';
}

const TYPE: OpAttr = { name: 'T', kind: 'float32 type' };
const NO_PEEPHOLE: OpAttr = { name: 'use_peephole', kind: 'bool', value: false };
// A negative clip leaves the cell state unclipped, as tfjs' LSTM does.
const NO_CLIP: OpAttr = { name: 'cell_clip', kind: 'float', value: -1 };

/**
 * The LSTM's last output [batch, units], or with `sequences` every step's, differentiable, through the
 * fused kernels; `recurrentDropout`: the recurrent mask is not all ones (then one cell op a step).
 */
export function lstmSequenceByBlock(
  inputs: LstmSequenceInputs,
  sequences: boolean,
  ops: TensorflowOps,
  recurrentDropout: boolean,
): tf.Tensor {
  return recurrentDropout ? lstmByCells(inputs, sequences, ops) : lstmByBlock(inputs, sequences, ops);
}

function lstmByBlock(inputs: LstmSequenceInputs, sequences: boolean, ops: TensorflowOps): tf.Tensor {
  const { x, kernel, recurrentKernel, bias, inputMask } = inputs;
  const [batch, steps] = x.shape;
  const units = recurrentKernel.shape[0];
  const features = kernel.shape[0];
  const masked = tf.mul(x, tf.expandDims(inputMask, 1)) as tf.Tensor3D;
  const run = tf.customGrad((...args: (tf.Tensor | ((saved: tf.Tensor[]) => void))[]) => {
    const [xs, w, u, b] = args as tf.Tensor[];
    const save = args[4] as (saved: tf.Tensor[]) => void;
    // Time-major, as the kernels read it; no peepholes (zeros), a zero start state.
    const xt = tf.transpose(xs, [1, 0, 2]);
    const wu = tf.concat([w, u], 0);
    const zeros = tf.zeros([batch, units]);
    const peep = tf.zeros([units]);
    const state = [{ int64: steps }, xt, zeros, zeros, wu, peep, peep, peep, b] as const;
    // i, cs, f, o, ci, co, h: each [steps, batch, units]
    const outs = ops.run('BlockLSTMV2', state, [NO_CLIP, NO_PEEPHOLE, TYPE], 7);
    const h = outs[6];
    save([xt, wu, b, ...outs]);
    const value = sequences
      ? tf.transpose(h, [1, 0, 2])
      : tf.reshape(tf.slice(h, [steps - 1, 0, 0], [1, batch, units]), [batch, units]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] => {
      const [sxt, swu, sb, ...souts] = saved;
      const d = Array.isArray(dy) ? dy[0] : dy;
      // The gradient of every step's output: only the last one's without `sequences`.
      const dh = sequences
        ? tf.transpose(d, [1, 0, 2])
        : steps === 1
          ? tf.expandDims(d, 0)
          : tf.concat([tf.zeros([steps - 1, batch, units]), tf.expandDims(d, 0)], 0);
      const zero = tf.zeros([batch, units]);
      const zeroPeep = tf.zeros([units]);
      const grads = ops.run(
        'BlockLSTMGradV2',
        [{ int64: steps }, sxt, zero, zero, swu, zeroPeep, zeroPeep, zeroPeep, sb, ...souts, tf.zerosLike(dh), dh],
        [NO_PEEPHOLE, TYPE],
        8,
      );
      // x, cs_prev, h_prev, w, wci, wcf, wco, b
      const [dx, , , dwu, , , , db] = grads;
      const [dw, du] = tf.split(dwu, [features, units], 0);
      return [tf.transpose(dx, [1, 0, 2]), dw, du, db];
    };
    return { value, gradFunc };
  });
  return run(masked, kernel, recurrentKernel, bias);
}

/** Keras' gate order (i, f, c̃, o) to LSTMBlockCell's (i, c̃, f, o) along the last axis, and back. */
function toIcfo(t: tf.Tensor): tf.Tensor {
  const [i, f, c, o] = tf.split(t, 4, -1);
  return tf.concat([i, c, f, o], -1);
}
function toIfco(t: tf.Tensor): tf.Tensor {
  const [i, c, f, o] = tf.split(t, 4, -1);
  return tf.concat([i, f, c, o], -1);
}

/** One LSTMBlockCell a step, the previous output masked before it; the weight gradients as one product each. */
function lstmByCells(inputs: LstmSequenceInputs, sequences: boolean, ops: TensorflowOps): tf.Tensor {
  const { x, kernel, recurrentKernel, bias, inputMask, recurrentMask } = inputs;
  const [batch, steps, features] = x.shape;
  const units = recurrentKernel.shape[0];
  const masked = tf.mul(x, tf.expandDims(inputMask, 1)) as tf.Tensor3D;
  const cellAttrs: OpAttr[] = [{ name: 'forget_bias', kind: 'float', value: 0 }, NO_CLIP, NO_PEEPHOLE, TYPE];
  const run = tf.customGrad((...args: (tf.Tensor | ((saved: tf.Tensor[]) => void))[]) => {
    const [xs, w, u, b, mh] = args as tf.Tensor[];
    const save = args[5] as (saved: tf.Tensor[]) => void;
    // Time-major rows: step t is rows t·batch … (t+1)·batch-1.
    const xt = tf.reshape(tf.transpose(xs, [1, 0, 2]), [steps * batch, features]);
    const wu = toIcfo(tf.concat([w, u], 0));
    const bb = toIcfo(b);
    const peep = tf.zeros([units]);
    let h: tf.Tensor = tf.zeros([batch, units]);
    let c: tf.Tensor = tf.zeros([batch, units]);
    // Per step: c before it, h⊙r fed to it, and its i, cs, f, o, ci, co (what the gradient reads).
    const kept: tf.Tensor[] = [];
    const hs: tf.Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const [hPrev, cPrev] = [h, c];
      const step = tf.tidy(() => {
        const hm = tf.mul(hPrev, mh);
        const xStep = tf.slice(xt, [t * batch, 0], [batch, features]);
        return { hm, outs: ops.run('LSTMBlockCell', [xStep, cPrev, hm, wu, peep, peep, peep, bb], cellAttrs, 7) };
      });
      kept.push(cPrev, step.hm, ...step.outs.slice(0, 6));
      c = step.outs[1];
      h = step.outs[6];
      hs.push(h);
    }
    save([xt, wu, bb, mh, ...kept]);
    const value = sequences ? tf.stack(hs, 1) : h;
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] => {
      const [sxt, swu, sbb, smh, ...sk] = saved;
      const d = Array.isArray(dy) ? dy[0] : dy;
      const stepGrad = (t: number) => tf.reshape(tf.slice(d, [0, t, 0], [batch, 1, units]), [batch, units]);
      const uT = tf.slice(swu, [features, 0], [units, 4 * units]);
      const zeroPeep = tf.zeros([units]);
      let dh: tf.Tensor = sequences ? stepGrad(steps - 1) : d;
      let dc: tf.Tensor = tf.zeros([batch, units]);
      const dzs: tf.Tensor[] = new Array<tf.Tensor>(steps);
      for (let t = steps - 1; t >= 0; t--) {
        const [dhNext, dcNext] = [dh, dc];
        const [cPrev, hm, ...outs] = sk.slice(8 * t, 8 * (t + 1));
        const back = tf.tidy(() => {
          const xStep = tf.slice(sxt, [t * batch, 0], [batch, features]);
          const [dcPrev, dz] = ops.run(
            'LSTMBlockCellGrad',
            [xStep, cPrev, hm, swu, zeroPeep, zeroPeep, zeroPeep, sbb, ...outs, dcNext, dhNext],
            [NO_PEEPHOLE, TYPE],
            5,
          );
          let dhPrev = tf.mul(tf.matMul(dz, uT, false, true), smh);
          if (sequences && t > 0) dhPrev = tf.add(dhPrev, stepGrad(t - 1));
          return { dz, dc: dcPrev, dh: dhPrev };
        });
        tf.dispose(dhNext === d ? [dcNext] : [dhNext, dcNext]);
        ({ dc, dh } = back);
        dzs[t] = back.dz;
      }
      // Every step's gates' gradient at once: [steps·batch, 4·units].
      const dZ = tf.concat(dzs, 0);
      const hms = tf.concat(
        Array.from({ length: steps }, (_, t) => sk[8 * t + 1]),
        0,
      );
      const dwu = toIfco(tf.concat([tf.matMul(sxt, dZ, true, false), tf.matMul(hms, dZ, true, false)], 0));
      const [dw, du] = tf.split(dwu, [features, units], 0);
      const dx = tf.matMul(dZ, tf.slice(swu, [0, 0], [features, 4 * units]), false, true);
      return [
        tf.transpose(tf.reshape(dx, [steps, batch, features]), [1, 0, 2]),
        dw,
        du,
        toIfco(tf.sum(dZ, 0)),
        tf.zerosLike(smh),
      ];
    };
    return { value, gradFunc };
  });
  return run(masked, kernel, recurrentKernel, bias, recurrentMask);
}
