/**
 * `exportWeb` on a tiny model: the folder's layout, a model/ the CLI loads with the same answers, the
 * weights quantized as asked with the accuracy before and after, and its refusals — a non-empty folder
 * without `force`, the model's own directory, a damaged model, layers a browser cannot build — each
 * leaving every file as it was.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { exportWeb, foreignLayers, WEB_LAYER_CLASSES } from '../../src/export/export-web.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { tempDir, tinyModel } from '../helpers.ts';

const TEXTS = ['a gorgeous , witty film', 'not good', 'an unseen zzz phrase'];

async function answers(modelDir: string): Promise<Float32Array> {
  const loaded = await loadModelDirectory(modelDir);
  try {
    return new Predictor(loaded, { memory: false }).modelProbabilities(TEXTS.map((t) => t.toLowerCase()));
  } finally {
    loaded.dispose();
  }
}

const listing = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listing(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
    .sort();

const snapshot = (dir: string) => listing(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]);

describe('exportWeb', () => {
  let model = '';
  before(async () => {
    await initEngine('wasm');
    model = await tinyModel({ rows: 400 });
  });

  it('writes the page, the module and a model/ the CLI loads with the same answers (float32)', async () => {
    const out = join(tempDir(), 'site');
    const r = await exportWeb({ modelDir: model, out, backend: 'wasm' });
    assert.deepEqual(listing(out), [
      'index.html',
      'model/history.json',
      'model/memory.tsv.gz',
      'model/meta.json',
      'model/model.json',
      'model/tokenizer.json',
      'model/weights.bin',
      'page.js',
      'sentiment.js',
      'tfjs-backend-wasm-simd.wasm',
    ]);
    assert.deepEqual(await answers(join(out, 'model')), await answers(model));
    const meta = JSON.parse(readFileSync(join(out, 'model', 'meta.json'), 'utf8')) as { data_file: string };
    assert.equal(meta.data_file, basename(meta.data_file), 'a page says the file name, not where it sat');
    assert.ok('rows' in r.accuracy, JSON.stringify(r.accuracy));
    assert.equal(r.accuracy.after, r.accuracy.before);
    assert.equal(r.accuracy.rows, 40);
    const part = (name: string) => r.parts.find((p) => p.part === name);
    assert.equal(part('weights')?.after, part('weights')?.before);
    assert.ok(
      (part('tokenizers')?.after ?? 0) < (part('tokenizers')?.before ?? 0),
      'the tokenizer keeps what it indexes',
    );
    assert.equal(part('sentiment.js')?.after, statSync(join(out, 'sentiment.js')).size);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /<script type="module" src="page\.js"><\/script>/);
    assert.doesNotMatch(readFileSync(join(out, 'sentiment.js'), 'utf8'), /require\(["']node:|from ?["']node:/);
  });

  it('quantizes the weights as asked, prints the accuracy before and after, and the copy still loads', async () => {
    const full = statSync(join(model, 'weights.bin')).size;
    for (const [quantize, share] of [
      ['float16', 2],
      ['uint8', 4],
    ] as const) {
      const out = join(tempDir(), 'site');
      const r = await exportWeb({ modelDir: model, out, backend: 'wasm', quantize });
      // The weights file is the bulk; model.json grows by the quantization's few fields.
      assert.ok(Math.abs(statSync(join(out, 'model', 'weights.bin')).size * share - full) < 16, quantize);
      assert.ok('rows' in r.accuracy);
      assert.ok(Math.abs(r.accuracy.after - r.accuracy.before) <= 0.1, JSON.stringify(r.accuracy));
      const [got, want] = [await answers(join(out, 'model')), await answers(model)];
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 0.05, `${quantize}: ${v} vs ${want[i]}`));
    }
  });

  it("keeps a float16-trained model's float16 weights unless asked otherwise", async () => {
    const half = await tinyModel({ rows: 400, float16: true });
    const size = (d: string) => statSync(join(d, 'weights.bin')).size;
    const kept = await exportWeb({ modelDir: half, out: join(tempDir(), 'site'), backend: 'wasm' });
    assert.equal(kept.quantize, 'float16');
    assert.equal(size(join(kept.out, 'model')), size(half));
    const full = await exportWeb({ modelDir: half, out: join(tempDir(), 'site'), backend: 'wasm', quantize: null });
    assert.equal(full.quantize, null);
    assert.equal(size(join(full.out, 'model')), 2 * size(half));
  });

  it('says why the accuracy is not measured when the training file is not there', async () => {
    const r = await exportWeb({
      modelDir: model,
      out: join(tempDir(), 'site'),
      backend: 'wasm',
      dataFile: '/nowhere.tsv',
    });
    assert.deepEqual(r.accuracy, { skipped: 'the training file /nowhere.tsv is not here (give {data})' });
  });

  it('refuses a folder with files unless forced, then replaces it whole', async () => {
    const out = join(tempDir(), 'site');
    mkdirSync(out);
    writeFileSync(join(out, 'mine.txt'), 'keep me');
    await assert.rejects(exportWeb({ modelDir: model, out, backend: 'wasm' }), {
      name: 'SettingError',
      setting: 'web',
      message: /holds files \(mine\.txt\); give force to replace it whole/,
    });
    assert.deepEqual(listing(out), ['mine.txt']);
    await exportWeb({ modelDir: model, out, backend: 'wasm', force: true });
    assert.ok(!existsSync(join(out, 'mine.txt')));
    assert.ok(existsSync(join(out, 'index.html')));
  });

  it('refuses the model directory itself, a folder inside it or around it, touching nothing', async () => {
    const before = snapshot(model);
    const link = join(tempDir(), 'model-link');
    symlinkSync(model, link);
    const ways = [model, join(model, 'site'), join(model, '..')].flatMap((out) => [
      { modelDir: model, out },
      { modelDir: link, out }, // the model named through a link, the folder by its own path
    ]);
    for (const { modelDir, out } of ways)
      await assert.rejects(exportWeb({ modelDir, out, backend: 'wasm', force: true }), {
        name: 'SettingError',
        message: /a folder of its own, not the model directory/,
      });
    assert.deepEqual(snapshot(model), before);
  });

  it('refuses a damaged model, naming the file, and writes nothing', async () => {
    const damaged = join(tempDir(), 'model');
    mkdirSync(damaged);
    for (const f of readdirSync(model))
      if (f !== 'checkpoint') writeFileSync(join(damaged, f), readFileSync(join(model, f)));
    const weights = readFileSync(join(damaged, 'weights.bin'));
    weights[100] ^= 0xff;
    writeFileSync(join(damaged, 'weights.bin'), weights);
    const out = join(tempDir(), 'site');
    await assert.rejects(exportWeb({ modelDir: damaged, out, backend: 'wasm' }), {
      name: 'InputError',
      message: /weights\.bin: has other contents than when it was saved/,
    });
    assert.ok(!existsSync(out));
  });

  it('refuses a converted Keras model, which has no meta.json to export', async () => {
    const keras = join(tempDir(), 'keras');
    mkdirSync(keras);
    for (const f of ['model.json', 'weights.bin', 'tokenizer.json'])
      writeFileSync(join(keras, f), readFileSync(join(model, f)));
    const out = join(tempDir(), 'site');
    await assert.rejects(exportWeb({ modelDir: keras, out, backend: 'wasm' }), {
      name: 'SettingError',
      setting: 'modelDir',
      message: /a converted Keras model without meta\.json/,
    });
    assert.ok(!existsSync(out));
  });

  it("builds only stock tfjs-layers classes in the browser, and names any other a model's JSON holds", () => {
    const stock = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const name of WEB_LAYER_CLASSES) assert.ok(name in stock, name);
    const json = {
      modelTopology: {
        class_name: 'Sequential',
        config: {
          layers: [
            { class_name: 'Embedding', config: {} },
            { class_name: 'Bidirectional', config: { layer: { class_name: 'MyLSTM', config: {} } } },
            { class_name: 'TableEmbedding', config: {} },
            { class_name: 'Dense', config: { kernel_initializer: { class_name: 'GlorotUniform', config: {} } } },
          ],
        },
      },
    };
    assert.deepEqual(foreignLayers(json), ['MyLSTM', 'TableEmbedding']);
  });
});
