/**
 * The parts of tfjs-layers' recurrent layers that its types keep private, read by the fused LSTM
 * (src/model/lstm/) and its prefix-forest scorer, and the graph fields (a layer's inbound nodes and
 * their symbolic tensors) the scorer replays a model's head from; LSTM's static fromConfig, which
 * the fused LSTM inherits. Checked against @tensorflow/tfjs-layers 4.22.0
 * (index.ts: CHECKED_VERSIONS); guarded by test/model/lstm/sequence-op.test.ts and prefix-scoring.test.ts.
 */
import * as tf from '../tf.ts';
import { patchRan } from './usage.ts';

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
  patchRan('layers-internals');
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
  if (layer.getClassName() !== 'Bidirectional') return null;
  patchRan('layers-internals');
  return layer as unknown as BidirectionalView;
}

/** A layer's call in a model graph: the symbolic tensors it was applied to and those it gave. */
export interface GraphNodeView {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

/** The calls of `layer` in the graphs it was applied in (tfjs-layers' inboundNodes), first first. */
export function inboundNodes(layer: tf.LayersModel['layers'][number]): readonly GraphNodeView[] {
  patchRan('layers-internals');
  return (layer as unknown as { inboundNodes: GraphNodeView[] }).inboundNodes;
}

type FromConfig = <T extends tf.serialization.Serializable>(
  cls: tf.serialization.SerializableConstructor<T>,
  config: tf.serialization.ConfigDict,
) => T;

/** tfjs' LSTM.fromConfig, with the config migration it does (an old `implmentation: 0` key). */
export function lstmFromConfig(): FromConfig {
  return (lstmClass() as unknown as { fromConfig: FromConfig }).fromConfig;
}
