/**
 * The LSTM through TensorFlow's fused kernels on the tensorflow engine: `BlockLSTMV2` forward and
 * `BlockLSTMGradV2` back, one op each for the whole sequence instead of ~40 small ops a step. Its gates
 * are i, f, c̃, o like tfjs' (and Keras'), its kernel the input and recurrent kernels stacked. It has
 * sigmoid gates only and no recurrent dropout (it multiplies the previous output inside the kernel), so
 * it runs an LSTM whose settings fit (`fitsBlockLstm`): the member on word vectors, or
 * `--recurrent-activation sigmoid` with no dropout; the seed's hard sigmoid and recurrent dropout stay
 * on the ops path. Input dropout is a mask fixed across time: applied to x before the kernel.
 */
import * as tf from '../../engine/tf.ts';
import type { OpAttr, TensorflowOps } from '../../engine/patches/tensorflow-ops.ts';
import type { GateActivation, LstmSequenceInputs } from './sequence-op.ts';

/** Whether an LSTM with these settings can run on the fused kernels. */
export function fitsBlockLstm(gate: GateActivation, recurrentDropout: number, training: boolean): boolean {
  return gate === 'sigmoid' && (!training || recurrentDropout === 0);
}

const TYPE: OpAttr = { name: 'T', kind: 'float32 type' };
const NO_PEEPHOLE: OpAttr = { name: 'use_peephole', kind: 'bool', value: false };
// A negative clip leaves the cell state unclipped, as tfjs' LSTM does.
const NO_CLIP: OpAttr = { name: 'cell_clip', kind: 'float', value: -1 };

/**
 * The LSTM's last output [batch, units], or with `sequences` every step's, differentiable, through the
 * fused kernels. `inputs.recurrentMask` must be ones (fitsBlockLstm).
 */
export function lstmSequenceByBlock(inputs: LstmSequenceInputs, sequences: boolean, ops: TensorflowOps): tf.Tensor {
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
