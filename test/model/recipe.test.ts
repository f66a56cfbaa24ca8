import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { readFixture } from '../helpers.ts';

interface KerasLayer {
  class_name: string;
  config: Record<string, unknown>;
}

/** Keras 2.2's get_config() of the seed's layers: only what Keras writes, compared key by key. */
const KERAS = readFixture<{ layers: KerasLayer[]; optimizer: Record<string, number> }>('keras_2_2_seed_config.json');

describe('the seed model', () => {
  let model: tf.LayersModel;
  before(async () => {
    await initEngine('wasm');
    model = buildModel(DEFAULT_SETTINGS, { numClasses: 5, inputLength: 53 });
  });

  it('has the layer stack, output shapes and 2,689,541 parameters of the seed', () => {
    const summary = model.layers.map((l) => [l.getClassName(), JSON.stringify(l.outputShape), l.countParams()]);
    assert.deepEqual(summary, [
      ['Embedding', '[null,53,256]', 2097152],
      ['SpatialDropout1D', '[null,53,256]', 0],
      ['LSTM', '[null,256]', 525312],
      ['Dense', '[null,256]', 65792],
      ['Dropout', '[null,256]', 0],
      ['Dense', '[null,5]', 1285],
    ]);
    assert.equal(model.countParams(), 2689541);
  });

  it("sets every layer's config to Keras 2.2's defaults for the seed", () => {
    const topology = model.toJSON(undefined, false) as unknown as { config: { layers: KerasLayer[] } };
    const layers = topology.config.layers;
    assert.equal(layers.length, KERAS.layers.length);
    KERAS.layers.forEach((expected, i) => {
      assert.equal(layers[i].class_name, expected.class_name);
      for (const [key, value] of Object.entries(expected.config)) {
        assert.deepEqual(layers[i].config[key], value, `${expected.class_name}.${key}`);
      }
    });
  });

  it("uses Keras 2.2's Adam settings and categorical cross-entropy with accuracy", () => {
    const opt = model.optimizer.getConfig() as Record<string, number>;
    assert.deepEqual(
      { learning_rate: opt.learningRate, beta_1: opt.beta1, beta_2: opt.beta2, epsilon: opt.epsilon },
      KERAS.optimizer,
    );
    assert.equal(model.loss, 'categoricalCrossentropy');
    assert.deepEqual(model.metricsNames, ['loss', 'acc']);
  });

  it("offers Keras 2.3's sigmoid gates and variable-length input", () => {
    const m = buildModel({ ...DEFAULT_SETTINGS, recurrentActivation: 'sigmoid', maxWords: 50, embeddingDim: 4, units: 4, denseUnits: 4 }, { numClasses: 5, inputLength: null });
    const lstm = m.layers[2].getConfig() as { recurrentActivation: string };
    assert.equal(lstm.recurrentActivation, 'sigmoid');
    assert.deepEqual(m.inputs[0].shape, [null, null]);
    m.dispose();
  });
});
