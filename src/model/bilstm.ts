/**
 * The member on pretrained vectors: Embedding (the vectors, fine-tuned) → SpatialDropout1D →
 * Bidirectional(LSTM) → max and mean over time (or the last output) → Dropout → Dense(softmax).
 * Standard tfjs layers throughout (the LSTM is ours, serialised as `LSTM`), so tfjs and Keras tooling
 * read the saved model.
 */
import * as tf from '../engine/tf.ts';
import type { SpeedLayer } from '../engine/speed-layer.ts';
import type { Pooling } from '../settings.ts';
import { FusedLSTM } from './lstm/layer.ts';
import { quietly } from './quietly.ts';
import { compileModel } from './recipe.ts';

export interface BiLstmShape {
  /** Embedding rows (the vocabulary and padding). */
  rows: number;
  dims: number;
  units: number;
  bidirectional: boolean;
  pooling: Pooling;
  numClasses: number;
  learningRate: number;
}

/** What the member fixes (its units, learning rate and batch size are settings: the vectors preset's defaults). */
export const BILSTM_DEFAULTS = {
  embeddingDropout: 0.2,
  dropout: 0.3,
  labelSmoothing: 0.1,
} as const;

/** Builds and compiles the model; `embeddings` (row-major [rows, dims]) starts the embedding, else it is random (a resume sets it). */
export function buildBiLstm(
  shape: BiLstmShape,
  embeddings: Float32Array | null,
  speed: SpeedLayer | null = null,
): tf.LayersModel {
  const start = embeddings ? tf.tensor2d(embeddings, [shape.rows, shape.dims]) : null;
  try {
    return quietly(() => buildLayers(shape, start, speed));
  } finally {
    // The embedding's variable holds its own reference; this one would keep the vectors' memory twice.
    start?.dispose();
  }
}

function buildLayers(shape: BiLstmShape, embeddings: tf.Tensor2D | null, speed: SpeedLayer | null): tf.LayersModel {
  const input = tf.input({ shape: [null], dtype: 'int32', name: 'tokens' });
  const embedding = tf.layers.embedding({
    name: 'embedding',
    inputDim: shape.rows,
    outputDim: shape.dims,
    ...(embeddings ? { weights: [embeddings] } : {}),
  });
  let x = embedding.apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .spatialDropout1d({ name: 'embedding_dropout', rate: BILSTM_DEFAULTS.embeddingDropout })
    .apply(x) as tf.SymbolicTensor;
  const sequences = shape.pooling === 'max-mean';
  const lstm = new FusedLSTM({
    name: 'lstm',
    units: shape.units,
    recurrentActivation: 'sigmoid',
    returnSequences: sequences,
  });
  x = (
    shape.bidirectional ? tf.layers.bidirectional({ name: 'bidirectional', layer: lstm, mergeMode: 'concat' }) : lstm
  ).apply(x) as tf.SymbolicTensor;
  if (sequences) {
    const max = tf.layers.globalMaxPooling1d({ name: 'max_over_time' }).apply(x) as tf.SymbolicTensor;
    const mean = tf.layers.globalAveragePooling1d({ name: 'mean_over_time' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.concatenate({ name: 'max_mean' }).apply([max, mean]) as tf.SymbolicTensor;
  }
  x = tf.layers.dropout({ name: 'dropout', rate: BILSTM_DEFAULTS.dropout }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ name: 'classes', units: shape.numClasses, activation: 'softmax' })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'bilstm_on_vectors' });
  compileModel(model, shape.learningRate, speed);
  return model;
}
