import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as tf from '../../src/engine/tf.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { readFixture, speedLayer } from '../helpers.ts';

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
    model = buildModel(DEFAULT_SETTINGS, { numClasses: 5, inputLength: 53 }, await speedLayer());
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

  it('builds what the settings say: units, dropout rates, gates and learning rate', () => {
    const m = buildModel(
      {
        ...DEFAULT_SETTINGS,
        maxWords: 50,
        embeddingDim: 6,
        units: 7,
        denseUnits: 9,
        dropout: 0.15,
        recurrentActivation: 'sigmoid',
        learningRate: 0.0123,
      },
      { numClasses: 3, inputLength: null },
    );
    try {
      const config = m.layers.map((l) => l.getConfig() as Record<string, unknown>);
      assert.deepEqual(
        config.map((c) => c.rate ?? c.dropout ?? null),
        [null, 0.15, 0.15, null, 0.15, null],
      );
      assert.equal(config[2].recurrentDropout, 0.15);
      assert.equal(config[2].recurrentActivation, 'sigmoid');
      assert.deepEqual(
        [config[0].inputDim, config[0].outputDim, config[2].units, config[3].units, config[5].units],
        [50, 6, 7, 9, 3],
      );
      assert.equal((m.optimizer.getConfig() as { learningRate: number }).learningRate, 0.0123);
    } finally {
      m.dispose();
    }
  });

  it("offers Keras 2.3's sigmoid gates and variable-length input", () => {
    const m = buildModel(
      { ...DEFAULT_SETTINGS, recurrentActivation: 'sigmoid', maxWords: 50, embeddingDim: 4, units: 4, denseUnits: 4 },
      { numClasses: 5, inputLength: null },
    );
    const lstm = m.layers[2].getConfig() as { recurrentActivation: string };
    assert.equal(lstm.recurrentActivation, 'sigmoid');
    assert.deepEqual(m.inputs[0].shape, [null, null]);
    m.dispose();
  });
});
