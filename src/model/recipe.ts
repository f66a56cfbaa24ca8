/**
 * The seed's model, with Keras 2.2's defaults written out where tfjs-layers' differ
 * (glorot_uniform kernels, unit_forget_bias, Adam's epsilon).
 */
import * as tf from '../engine/tf.ts';
import type { SpeedLayer } from '../engine/speed-layer.ts';
import type { RunSettings } from '../settings.ts';
import { FusedAdam } from './adam.ts';
import { FusedLSTM, useSpeedLayer } from './lstm/layer.ts';
import { quietly } from './quietly.ts';

/** The settings the recipe's layers are built from. */
export type RecipeSettings = Pick<
  RunSettings,
  'maxWords' | 'embeddingDim' | 'units' | 'denseUnits' | 'dropout' | 'learningRate' | 'recurrentActivation'
>;

export interface RecipeShape {
  numClasses: number;
  /** Fixed time steps (the seed's padded input), or null for variable-length batches. */
  inputLength: number | null;
}

/** Keras 2.2 Adam: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon K.epsilon() = 1e-7 (one pass a variable with the native addon). */
export function kerasAdam(learningRate: number, speed: SpeedLayer | null = null): tf.Optimizer {
  return speed?.native
    ? new FusedAdam(speed.native, learningRate, 0.9, 0.999, 1e-7)
    : new tf.AdamOptimizer(learningRate, 0.9, 0.999, 1e-7);
}

/** The recipe's model, compiled; `speed` is the running engine's speed layer (null: tfjs' public API alone). */
export function buildModel(cfg: RecipeSettings, shape: RecipeShape, speed: SpeedLayer | null = null): tf.LayersModel {
  return quietly(() => buildLayers(cfg, shape, speed));
}

function buildLayers(cfg: RecipeSettings, shape: RecipeShape, speed: SpeedLayer | null): tf.LayersModel {
  const model = tf.sequential({ name: 'sequential_1' });
  model.add(
    tf.layers.embedding({
      name: 'embedding_1',
      inputDim: cfg.maxWords,
      outputDim: cfg.embeddingDim,
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }),
      ...(shape.inputLength === null
        ? { batchInputShape: [null, null] }
        : { inputLength: shape.inputLength, batchInputShape: [null, shape.inputLength] }),
    }),
  );
  model.add(tf.layers.spatialDropout1d({ name: 'spatial_dropout1d_1', rate: cfg.dropout }));
  model.add(
    new FusedLSTM({
      name: 'lstm_1',
      units: cfg.units,
      activation: 'tanh',
      recurrentActivation: cfg.recurrentActivation === 'hard_sigmoid' ? 'hardSigmoid' : 'sigmoid',
      useBias: true,
      kernelInitializer: 'glorotUniform',
      recurrentInitializer: 'orthogonal',
      biasInitializer: 'zeros',
      unitForgetBias: true,
      dropout: cfg.dropout,
      recurrentDropout: cfg.dropout,
    }),
  );
  model.add(
    tf.layers.dense({
      name: 'dense_1',
      units: cfg.denseUnits,
      activation: 'relu',
      kernelInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
    }),
  );
  model.add(tf.layers.dropout({ name: 'dropout_1', rate: cfg.dropout }));
  model.add(
    tf.layers.dense({
      name: 'dense_2',
      units: shape.numClasses,
      activation: 'softmax',
      kernelInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
    }),
  );
  compileModel(model, cfg.learningRate, speed);
  return model;
}

/** Compiles for training with Keras' Adam and hands the LSTMs `speed`. */
export function compileModel(model: tf.LayersModel, learningRate: number, speed: SpeedLayer | null = null): void {
  model.compile({ optimizer: kerasAdam(learningRate, speed), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  useSpeedLayer(model, speed);
}
