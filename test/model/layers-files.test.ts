import assert from 'node:assert/strict';
import { readFileSync, readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { loadLayersModel, saveLayersModel } from '../../src/model/layers-files.ts';
import { buildModel } from '../../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { speedLayer, tempDir } from '../helpers.ts';

describe('model.json + weights.bin', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('saves model.json + weights.bin that reload into a model predicting the same probabilities', async () => {
    const model = buildModel(
      { ...DEFAULT_SETTINGS, maxWords: 100, embeddingDim: 8, units: 8, denseUnits: 8 },
      { numClasses: 5, inputLength: null },
      await speedLayer(),
    );
    const dir = tempDir();
    await saveLayersModel(model, dir);
    assert.deepEqual(readdirSync(dir).sort(), ['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      format: string;
      weightsManifest: { paths: string[] }[];
    };
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['./weights.bin']);

    const loaded = await loadLayersModel(dir);
    const x = tf.tensor2d(
      [
        [0, 5, 7],
        [1, 2, 99],
      ],
      [2, 3],
      'int32',
    );
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    assert.deepEqual(Array.from(b), Array.from(a));
    assert.equal(loaded.layers[2].getClassName(), 'LSTM');
  });

  it('refuses a truncated weights.bin, naming it', async () => {
    const model = buildModel(
      { ...DEFAULT_SETTINGS, maxWords: 50, embeddingDim: 4, units: 4, denseUnits: 4 },
      { numClasses: 5, inputLength: null },
      await speedLayer(),
    );
    const dir = tempDir();
    await saveLayersModel(model, dir);
    truncateSync(join(dir, 'weights.bin'), 100);
    await assert.rejects(loadLayersModel(dir), /weights\.bin: has 100 bytes, model\.json declares \d+/);
    await assert.rejects(loadLayersModel(tempDir()), /model\.json: missing/);
  });
});
