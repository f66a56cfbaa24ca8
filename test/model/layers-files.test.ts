import assert from 'node:assert/strict';
import { readFileSync, readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { floatsFinite, loadLayersModel, saveLayersModel } from '../../src/model/layers-files.ts';
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

  it('tells finite float32 weights from NaN and the infinities, by their bits', () => {
    const bitsOf = (values: number[]) => new Uint32Array(Float32Array.from(values).buffer);
    const finite = [0, -0, 1, -1, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45, 1.1754943508222875e-38];
    assert.ok(floatsFinite(bitsOf(finite)));
    assert.ok(floatsFinite(new Uint32Array(0)));
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      assert.ok(!floatsFinite(bitsOf([...finite, bad])), String(bad));
    // NaNs of other payloads and signs: every bit pattern with the exponent all ones.
    for (const pattern of [0x7f800001, 0xff800001, 0x7fc00000, 0xffc00000, 0x7fffffff, 0xffffffff])
      assert.ok(!floatsFinite(Uint32Array.of(0, pattern, 0)), pattern.toString(16));
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
