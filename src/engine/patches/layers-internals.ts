/**
 * The parts of tfjs-layers' recurrent and convolutional layers that its types keep private, read by
 * the fused LSTM (src/model/lstm/) and its prefix-forest scorer, and by the windowed Conv1D
 * (src/model/conv/). Checked against @tensorflow/tfjs-layers 4.22.0 (index.ts: CHECKED_VERSIONS);
 * guarded by test/model/lstm/sequence-op.test.ts, prefix-scoring.test.ts and test/model/conv/layer.test.ts.
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

type Conv1dArgs = Parameters<typeof tf.layers.conv1d>[0];
export type Conv1dLayer = ReturnType<typeof tf.layers.conv1d>;

/** The Conv1D class: not exported either, but every layer `tf.layers.conv1d` makes is one. */
export function conv1dClass(): new (args: Conv1dArgs) => Conv1dLayer {
  return tf.layers.conv1d({ filters: 1, kernelSize: 1 }).constructor as new (
    args: Conv1dArgs,
  ) => Conv1dLayer;
}

/** tfjs' Conv1D, as the windowed product (src/model/conv/layer.ts) reads it. */
export interface Conv1dView {
  filters: number;
  kernelSize: number[];
  strides: number[];
  dilationRate: number[] | number;
  padding: string;
  dataFormat: string;
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
}

export function conv1dView(layer: Conv1dLayer): Conv1dView {
  return layer as unknown as Conv1dView;
}
