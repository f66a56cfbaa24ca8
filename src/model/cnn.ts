/**
 * The convolutional member on pretrained vectors: Embedding (the vectors, fine-tuned) →
 * SpatialDropout1D → one Conv1D per window width (1 to 4 words, relu, `same` padding so a one-word
 * phrase has windows too), each max-pooled over time → Concatenate → Dropout → Dense(softmax).
 * Another view of a phrase than the LSTM's: which short word patterns it holds, wherever they are.
 * Standard tfjs layers (the Conv1D is ours, serialised as `Conv1D`), as in bilstm.ts.
 */
import * as tf from '../engine/tf.ts';
import type { SpeedLayer } from '../engine/speed-layer.ts';
import { WindowConv1D } from './conv/layer.ts';
import { quietly } from './quietly.ts';
import { compileModel } from './recipe.ts';

export interface CnnShape {
  /** Embedding rows (the vocabulary and padding). */
  rows: number;
  dims: number;
  numClasses: number;
  learningRate: number;
}

/** What the member fixes (its learning rate, batch size and epochs are settings: the vectors preset's defaults). */
export const CNN_DEFAULTS = {
  // Widths 1–5 with 100 filters each took 2.5× as long a step (206 vs 82 ms, 256 phrases of 12 words, blas).
  widths: [1, 2, 3, 4],
  filters: 64,
  embeddingDropout: 0.2,
  dropout: 0.5,
  labelSmoothing: 0.1,
} as const;

/** Builds and compiles the model; `embeddings` (row-major [rows, dims]) starts the embedding, else it is random (a resume sets it). */
export function buildCnn(
  shape: CnnShape,
  embeddings: Float32Array | null,
  speed: SpeedLayer | null = null,
): tf.LayersModel {
  return quietly(() => {
    const input = tf.input({ shape: [null], dtype: 'int32', name: 'tokens' });
    let x = tf.layers
      .embedding({
        name: 'embedding',
        inputDim: shape.rows,
        outputDim: shape.dims,
        ...(embeddings ? { weights: [tf.tensor2d(embeddings, [shape.rows, shape.dims])] } : {}),
      })
      .apply(input) as tf.SymbolicTensor;
    x = tf.layers
      .spatialDropout1d({ name: 'embedding_dropout', rate: CNN_DEFAULTS.embeddingDropout })
      .apply(x) as tf.SymbolicTensor;
    const pooled = CNN_DEFAULTS.widths.map((w) => {
      const conv = new WindowConv1D({
        name: `conv_${w}`,
        filters: CNN_DEFAULTS.filters,
        kernelSize: w,
        padding: 'same',
        activation: 'relu',
      }).apply(x) as tf.SymbolicTensor;
      return tf.layers.globalMaxPooling1d({ name: `max_over_time_${w}` }).apply(conv) as tf.SymbolicTensor;
    });
    x = tf.layers.concatenate({ name: 'widths' }).apply(pooled) as tf.SymbolicTensor;
    x = tf.layers.dropout({ name: 'dropout', rate: CNN_DEFAULTS.dropout }).apply(x) as tf.SymbolicTensor;
    const output = tf.layers
      .dense({ name: 'classes', units: shape.numClasses, activation: 'softmax' })
      .apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output, name: 'cnn_on_vectors' });
    compileModel(model, shape.learningRate, speed);
    return model;
  });
}
