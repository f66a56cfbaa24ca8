/**
 * The seed's model, with Keras 2.2's defaults written out where tfjs-layers' differ
 * (glorot_uniform kernels, unit_forget_bias, Adam's epsilon).
 */
import * as tf from '@tensorflow/tfjs';
import { NUM_CLASSES } from '../data/labels.ts';
import { FusedLSTM } from './fused-lstm.ts';

export type RecurrentActivation = 'hardSigmoid' | 'sigmoid';

export interface RecipeConfig {
  /** Embedding rows (Tokenizer num_words). */
  maxWords: number;
  embeddingDim: number;
  units: number;
  /** Rate of SpatialDropout1D, the LSTM's input and recurrent dropout, and the Dropout layer. */
  dropout: number;
  denseUnits: number;
  numClasses: number;
  learningRate: number;
  recurrentActivation: RecurrentActivation;
  /** Fixed time steps (the seed's padded input), or null for variable-length batches. */
  inputLength: number | null;
}

export const SEED_RECIPE: RecipeConfig = {
  maxWords: 8192,
  embeddingDim: 256,
  units: 256,
  dropout: 0.3,
  denseUnits: 256,
  numClasses: NUM_CLASSES,
  learningRate: 0.001,
  recurrentActivation: 'hardSigmoid',
  inputLength: 53,
};

/** Keras 2.2 Adam: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon K.epsilon() = 1e-7. */
export function kerasAdam(learningRate: number): tf.Optimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
}

export function buildModel(cfg: RecipeConfig): tf.LayersModel {
  return quietly(() => buildLayers(cfg));
}

function buildLayers(cfg: RecipeConfig): tf.LayersModel {
  const model = tf.sequential({ name: 'sequential_1' });
  model.add(
    tf.layers.embedding({
      name: 'embedding_1',
      inputDim: cfg.maxWords,
      outputDim: cfg.embeddingDim,
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }),
      ...(cfg.inputLength === null ? { batchInputShape: [null, null] } : { inputLength: cfg.inputLength, batchInputShape: [null, cfg.inputLength] }),
    }),
  );
  model.add(tf.layers.spatialDropout1d({ name: 'spatial_dropout1d_1', rate: cfg.dropout }));
  model.add(
    new FusedLSTM({
      name: 'lstm_1',
      units: cfg.units,
      activation: 'tanh',
      recurrentActivation: cfg.recurrentActivation,
      useBias: true,
      kernelInitializer: 'glorotUniform',
      recurrentInitializer: 'orthogonal',
      biasInitializer: 'zeros',
      unitForgetBias: true,
      dropout: cfg.dropout,
      recurrentDropout: cfg.dropout,
    }),
  );
  model.add(tf.layers.dense({ name: 'dense_1', units: cfg.denseUnits, activation: 'relu', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }));
  model.add(tf.layers.dropout({ name: 'dropout_1', rate: cfg.dropout }));
  model.add(tf.layers.dense({ name: 'dense_2', units: cfg.numClasses, activation: 'softmax', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }));
  compileModel(model, cfg.learningRate);
  return model;
}

export function compileModel(model: tf.LayersModel, learningRate: number): void {
  model.compile({ optimizer: kerasAdam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
}

/** Mutes tfjs' warning that the 256x1024 orthogonal initialiser may be slow (about a second on wasm). */
function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Orthogonal initializer')) return;
    warn(...args);
  };
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}
