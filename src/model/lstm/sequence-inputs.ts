/** What every path of the LSTM's sequence op takes (sequence-op.ts, block-lstm.ts): its own file, so neither imports the other for it. */
import type * as tf from '../../engine/tf.ts';

export type GateActivation = 'hardSigmoid' | 'sigmoid';

export interface LstmSequenceInputs {
  /** [batch, time, features] */
  x: tf.Tensor3D;
  /** [features, 4·units] */
  kernel: tf.Tensor2D;
  /** [units, 4·units] */
  recurrentKernel: tf.Tensor2D;
  /** [4·units] */
  bias: tf.Tensor1D;
  /** [batch, features]: multiplies the input at every step (ones without dropout). */
  inputMask: tf.Tensor2D;
  /** [batch, units]: multiplies the previous output at every step. */
  recurrentMask: tf.Tensor2D;
}
