/**
 * The parts of tfjs-layers' recurrent layers that its types keep private, read by the fused LSTM
 * (src/model/lstm/) and its prefix-forest scorer. Checked against @tensorflow/tfjs-layers 4.22.0
 * (index.ts: CHECKED_VERSIONS); guarded by test/model/lstm/sequence-op.test.ts and prefix-scoring.test.ts.
 */
import * as tf from '../tf.ts';

type LstmArgs = Parameters<typeof tf.layers.lstm>[0];
export type LstmLayer = ReturnType<typeof tf.layers.lstm>;

/** The LSTM class: tfjs-layers does not export it, but every layer `tf.layers.lstm` makes is one. */
export function lstmClass(): new (args: LstmArgs) => LstmLayer {
  return tf.layers.lstm({ units: 1 }).constructor as new (
    args: LstmArgs,
  ) => LstmLayer;
}

/** tfjs' LSTMCell, as the fused op reads it. */
export interface LstmCellView {
  units: number;
  dropout: number;
  recurrentDropout: number;
  useBias: boolean;
  activation: { getClassName(): string };
  recurrentActivation: { getClassName(): string };
  kernel: { read(): tf.Tensor };
  recurrentKernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
}

/** tfjs' RNN layer around the cell. */
export interface RnnView {
  cell: LstmCellView;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
}

export function rnnView(layer: LstmLayer): RnnView {
  return layer as unknown as RnnView;
}

/** Bidirectional keeps its two halves in fields its types call private. */
export interface BidirectionalView {
  mergeMode: string;
  forwardLayer: unknown;
  backwardLayer: unknown;
}

/** The halves of a Bidirectional layer, or null for any other layer. */
export function bidirectionalView(layer: { getClassName(): string }): BidirectionalView | null {
  return layer.getClassName() === 'Bidirectional' ? (layer as unknown as BidirectionalView) : null;
}
