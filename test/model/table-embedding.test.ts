import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { initEngine, startEngine } from '../../src/engine/engine.ts';
import type { SpeedLayer } from '../../src/engine/speed-layer.ts';
import { buildBiLstm } from '../../src/model/bilstm.ts';
import { loadLayersModel, saveLayersModel } from '../../src/model/layers-files.ts';
import { nativeLstmCalls } from '../../src/model/lstm/kernels.ts';
import { useSpeedLayer } from '../../src/model/lstm/layer.ts';
import { buildModel } from '../../src/model/recipe.ts';
import { predictRows, RecurrentMember } from '../../src/model/recurrent-member.ts';
import { TableEmbedding } from '../../src/model/table-embedding.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { needAddon, tempDir } from '../helpers.ts';
import { saveTokenizer } from '../../src/model/files.ts';
import { Tokenizer } from '../../src/data/tokenizer.ts';

const SEQS = [[1, 2, 3], [1, 2], [4, 5, 6, 7, 8], [9], [], [3, 3, 3, 3]];

function probabilities(model: tf.LayersModel, seqs: number[][], speed: SpeedLayer | null): Float32Array {
  useSpeedLayer(model, speed);
  return predictRows(model, seqs, Int32Array.from(seqs.keys()), { maxLen: 10, batching: 'group', batchSize: 4 });
}

const kinds: [string, () => tf.LayersModel][] = [
  [
    'the recipe (Sequential)',
    () =>
      buildModel(
        { ...DEFAULT_SETTINGS, maxWords: 12, embeddingDim: 6, units: 5, denseUnits: 4 },
        { numClasses: 5, inputLength: null },
        null,
      ),
  ],
  [
    'the member on vectors (functional, bidirectional)',
    () =>
      buildBiLstm(
        { rows: 12, dims: 6, units: 4, bidirectional: true, pooling: 'max-mean', numClasses: 5, learningRate: 0.01 },
        null,
      ),
  ],
];

describe('an Embedding whose table stays outside the backend', () => {
  let blas: SpeedLayer | null = null;
  before(async () => {
    const addon = (await startEngine('wasm')).speed;
    assert.equal(addon?.native ?? null, null);
  });
  after(async () => {
    await initEngine('wasm');
  });

  for (const [name, build] of kinds) {
    it(`loads ${name} with its table outside: the same probabilities, by the layers path and over prefix forests`, async (t) => {
      const model = build();
      const dir = tempDir();
      await saveLayersModel(model, dir);
      const inside = await loadLayersModel(dir);
      const outside = await loadLayersModel(dir, { tableOutside: true });
      assert.equal(outside.layers.filter((l) => l instanceof TableEmbedding).length, 1);
      assert.equal(inside.layers.filter((l) => l instanceof TableEmbedding).length, 0);
      // Fewer bytes in the backend: every weight but the table.
      const bytes = (m: tf.LayersModel) => m.weights.reduce((n, w) => n + w.read().size, 0);
      assert.equal(bytes(inside) - bytes(outside), 12 * 6);
      // The layers path (wasm, no native kernel): the layer uploads its table and gathers from it.
      const want = probabilities(inside, SEQS, null);
      assert.deepEqual(probabilities(outside, SEQS, null), want);
      // Over prefix forests, the table read where it is.
      const addon = needAddon(t);
      if (addon) {
        blas ??= (await startEngine('blas')).speed;
        const calls = nativeLstmCalls().tree;
        const forest = probabilities(outside, SEQS, blas);
        assert.ok(nativeLstmCalls().tree > calls, 'scored over a forest');
        forest.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${i}: ${v} vs ${want[i]}`));
        await startEngine('wasm');
      }
      for (const m of [model, inside, outside]) m.dispose();
    });

    it(`saves ${name}, loaded with its table outside, as an ordinary Embedding with the same weights`, async () => {
      const model = build();
      const [first, fromInside, fromOutside] = [tempDir(), tempDir(), tempDir()];
      await saveLayersModel(model, first);
      const inside = await loadLayersModel(first);
      const outside = await loadLayersModel(first, { tableOutside: true });
      await saveLayersModel(inside, fromInside);
      await saveLayersModel(outside, fromOutside);
      assert.ok(readFileSync(join(fromOutside, 'weights.bin')).equals(readFileSync(join(fromInside, 'weights.bin'))));
      const layersOf = (dir: string) =>
        (
          JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
            modelTopology: { config: { layers: { class_name: string }[] } };
          }
        ).modelTopology.config.layers;
      const [was, now] = [layersOf(first), layersOf(fromOutside)];
      assert.deepEqual(
        now.map((l) => l.class_name),
        was.map((l) => l.class_name),
      );
      assert.deepEqual(
        now.find((l) => l.class_name === 'Embedding'),
        was.find((l) => l.class_name === 'Embedding'),
        'the entry it was loaded with',
      );
      const again = await loadLayersModel(fromOutside);
      assert.deepEqual(probabilities(again, SEQS, null), probabilities(inside, SEQS, null));
      for (const m of [model, inside, outside, again]) m.dispose();
    });
  }

  it('keeps a float16 table as its bits until it is asked for whole; forests read the bits, widened exactly', async (t) => {
    const model = kinds[1][1]();
    const dir = tempDir();
    await saveLayersModel(model, dir, { quantize: 'float16' });
    const inside = await loadLayersModel(dir);
    const outside = await loadLayersModel(dir, { tableOutside: true });
    const layer = outside.layers.find((l): l is TableEmbedding => l instanceof TableEmbedding);
    assert.ok(layer);
    assert.ok(layer.storedTable instanceof Uint16Array, 'not widened on load');
    const want = probabilities(inside, SEQS, null);
    const addon = needAddon(t);
    if (addon) {
      blas ??= (await startEngine('blas')).speed;
      const forest = probabilities(outside, SEQS, blas);
      assert.ok(layer.storedTable instanceof Uint16Array, 'the forest pass read the bits');
      // The same floats as tfjs widened, so the answers agree as the float32 table's do.
      forest.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${i}: ${v} vs ${want[i]}`));
      await startEngine('wasm');
    }
    const tfjsTable = inside.layers
      .find((l) => l.getClassName() === 'Embedding')
      ?.getWeights()[0]
      .dataSync();
    assert.deepEqual(layer.table, tfjsTable, 'widened as tfjs widens float16');
    assert.ok(layer.storedTable instanceof Float32Array, 'widened once asked for');
    for (const m of [model, inside, outside]) m.dispose();
  });

  it('leaves a masked embedding inside (its zero index means something)', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, batchInputShape: [null, null] }),
        tf.layers.globalAveragePooling1d({}),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const dir = tempDir();
    await saveLayersModel(model, dir);
    const loaded = await loadLayersModel(dir, { tableOutside: true });
    assert.equal(loaded.layers.filter((l) => l instanceof TableEmbedding).length, 0);
    for (const m of [model, loaded]) m.dispose();
  });

  it('a member loaded for the native kernel keeps its table outside; for other engines, inside', async (t) => {
    const model = kinds[0][1]();
    const dir = tempDir();
    await saveLayersModel(model, dir);
    await saveTokenizer(new Tokenizer({ numWords: 12 }).fitOnTexts(['a b c d e f g h i j k']), dir);
    const wasm = await RecurrentMember.load(dir, { maxLen: 10, batching: 'group' }, 'lstm', null);
    assert.equal(wasm.model.layers.filter((l) => l instanceof TableEmbedding).length, 0);
    if (needAddon(t)) {
      const speed = (await startEngine('blas')).speed;
      const native = await RecurrentMember.load(dir, { maxLen: 10, batching: 'group' }, 'lstm', speed);
      assert.equal(native.model.layers.filter((l) => l instanceof TableEmbedding).length, 1);
      const [a, b] = [native, wasm].map((m) => m.predict(['a b c', 'k j', 'zz']).probabilities);
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `${i}: ${v} vs ${b[i]}`));
      native.dispose();
      await startEngine('wasm');
    }
    wasm.dispose();
    model.dispose();
  });
});
