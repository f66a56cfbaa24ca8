import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { makeRng } from '../../src/data/random.ts';
import { cleanTexts } from '../../src/data/encode.ts';
import { padSequence } from '../../src/data/padding.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { loadModelDirectory, openModelDirectory } from '../../src/model/directory.ts';
import { NotTrainedError } from '../../src/errors.ts';
import { buildModel } from '../../src/model/recipe.ts';
import { RecurrentMember } from '../../src/model/recurrent-member.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { runTraining } from '../../src/train/train-model.ts';
import { FIXTURES, readFixture, ROOT, speedLayer, tempDir, tinyModel, trainHead } from '../helpers.ts';

interface ManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[] }[];
}

/** The seed's layout: converter model.json, one weight file per layer (seeded values), Keras' tokenizer.json, no meta.json. */
function kerasModelDirectory(): { dir: string; weights: Map<string, Float32Array> } {
  const dir = tempDir();
  cpSync(join(FIXTURES, 'keras-model', 'model.json'), join(dir, 'model.json'));
  copyFileSync(join(FIXTURES, 'golden', 'tokenizer_keras.json'), join(dir, 'tokenizer.json'));
  const manifest = readFixture<{ weightsManifest: ManifestGroup[] }>('keras-model/model.json').weightsManifest;
  const rng = makeRng('keras-fixture');
  const weights = new Map<string, Float32Array>();
  for (const group of manifest) {
    const parts = group.weights.map((w) => {
      const values = Float32Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, () => (rng() - 0.5) * 0.8);
      weights.set(w.name, values);
      return Buffer.from(values.buffer);
    });
    writeFileSync(join(dir, group.paths[0]), Buffer.concat(parts));
  }
  return { dir, weights };
}

describe('loading a model directory', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it("loads the seed's converted Keras model with its tokenizer.json and no meta.json, feeding it as the seed did", async () => {
    const { dir, weights } = kerasModelDirectory();
    const loaded = await loadModelDirectory(dir, undefined, await speedLayer());
    assert.equal(loaded.layout, 'keras');
    assert.equal(loaded.meta, null);
    assert.equal(loaded.settings, null);
    const [member] = loaded.members;
    assert.ok(member instanceof RecurrentMember);
    assert.deepEqual(member.input, { maxLen: 53, batching: 'max' });
    const predictor = new Predictor(loaded);

    // The seed's cleaning, tokenizer and pre-padding to 53: the golden padded rows.
    const crafted = readFixture<{ crafted: { input: string; padded: number[] }[] }>('golden/sequences.json').crafted;
    const encoded = member.encode(cleanTexts(crafted.map((c) => c.input))).sequences;
    crafted.forEach((c, i) => assert.deepEqual(Array.from(padSequence(encoded[i], { maxLen: 53 })), c.padded, c.input));

    // Same numbers as our own recipe carrying the same weights, fed the golden padded rows.
    const reference = buildModel(
      { ...DEFAULT_SETTINGS, embeddingDim: 6, units: 6, denseUnits: 6 },
      { numClasses: 5, inputLength: 53 },
      await speedLayer(),
    );
    reference.setWeights(
      reference.weights.map((w) =>
        tf.tensor(weights.get(w.originalName) ?? assert.fail(`no weight ${w.originalName}`), w.shape as number[]),
      ),
    );
    const x = tf.tensor2d(
      crafted.map((c) => c.padded),
      [crafted.length, 53],
      'int32',
    );
    const expected = (reference.predict(x) as tf.Tensor).arraySync() as number[][];
    const got = predictor.predict(crafted.map((c) => c.input)).predictions;
    got.forEach((p, i) =>
      p.probabilities.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= 1e-5, crafted[i].input)),
    );
    assert.equal(member.model.layers[2].getConfig().recurrentActivation, 'hardSigmoid');
    loaded.dispose();
    reference.dispose();
  });

  it('says there is no model when the directory is missing or empty', async () => {
    for (const dir of [join(tempDir(), 'nothing'), tempDir()]) {
      await assert.rejects(loadModelDirectory(dir, undefined, await speedLayer()), (err: Error) => {
        assert.ok(err instanceof NotTrainedError);
        assert.equal(err.what, 'model');
        assert.equal(err.dir, dir);
        return true;
      });
    }
  });

  it('loads the members from the very bytes it checked against meta.json, each file read once', async () => {
    const model = join(tempDir(), 'm');
    cpSync(await tinyModel(), model, { recursive: true });
    const header = await openModelDirectory(model);
    const want = new Predictor(await loadModelDirectory(model), { memory: false }).predict(['a fine film']);
    // Changed on disk after the check (same size): the load still sees what was checked.
    const weights = join(model, 'weights.bin');
    writeFileSync(weights, Buffer.alloc(readFileSync(weights).byteLength, 7));
    const loaded = await loadModelDirectory(model, header);
    try {
      const got = new Predictor(loaded, { memory: false }).predict(['a fine film']);
      assert.deepEqual(got.predictions[0].probabilities, want.predictions[0].probabilities);
      assert.equal('files' in loaded, false, 'the loaded model does not hold the bytes twice');
    } finally {
      loaded.dispose();
    }
    await assert.rejects(loadModelDirectory(model), /weights\.bin: has other contents than when it was saved/);
  });

  it("records each tokenizer's word_index facts with its sha256, and a load uses them while the sha256 is the file's", async () => {
    const model = join(tempDir(), 'm');
    cpSync(await tinyModel(), model, { recursive: true });
    const metaPath = join(model, 'meta.json');
    const tokenizerPath = join(model, 'tokenizer.json');
    type Facts = { sha256: string; largest: number; searchable: boolean };
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as {
      files: Record<string, { bytes: number; sha256: string }>;
      tokenizer_facts: Record<string, Facts>;
    };
    const wordIndex = JSON.parse(
      (JSON.parse(readFileSync(tokenizerPath, 'utf8')) as { config: { word_index: string } }).config.word_index,
    ) as Record<string, number>;
    assert.deepEqual(meta.tokenizer_facts['tokenizer.json'], {
      sha256: meta.files['tokenizer.json'].sha256,
      largest: Math.max(...Object.values(wordIndex)),
      searchable: true,
    });
    // Without num_words the largest index decides whether the tokenizer fits the embedding (500 rows).
    editJson(tokenizerPath, noNumWords);
    const bytes = readFileSync(tokenizerPath);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const withFacts = (facts: Facts) => (m: Record<string, unknown>) => ({
      ...m,
      files: { ...(m.files as object), 'tokenizer.json': { bytes: bytes.byteLength, sha256 } },
      tokenizer_facts: { 'tokenizer.json': facts },
    });
    // Facts of the very file are believed: one claiming an index past the embedding is refused by it.
    editJson(metaPath, withFacts({ sha256, largest: 9999, searchable: true }));
    await assert.rejects(
      loadModelDirectory(model, undefined, await speedLayer()),
      /tokenizer\.json: num_words \(all \d+ words\) does not fit the model's embedding of 500 rows/,
    );
    // Facts of another file are set aside: the pass finds the file's own largest index, which fits.
    editJson(metaPath, withFacts({ sha256: meta.files['tokenizer.json'].sha256, largest: 9999, searchable: true }));
    const loaded = await loadModelDirectory(model, undefined, await speedLayer());
    loaded.dispose();
  });

  it('opened early, has its memory while the other files are read; a damaged one is refused once they are awaited', async () => {
    const model = join(tempDir(), 'm');
    cpSync(await tinyModel(), model, { recursive: true });
    const weights = join(model, 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(weights, bytes);
    const header = await openModelDirectory(model, { early: true });
    assert.ok(header.memory, 'the memory is read and checked on its own');
    assert.ok(header.files);
    await assert.rejects(header.files, /weights\.bin: has other contents than when it was saved/);
    await assert.rejects(loadModelDirectory(model, header), /weights\.bin: has other contents/);
    await assert.rejects(openModelDirectory(model), /weights\.bin: has other contents/);
  });

  it('names the missing, truncated or unreadable file', async () => {
    const model = await tinyModel();
    // The loader's own checks, as they meet a directory whose meta.json lists no file digests (one saved
    // before it did, or put together by hand); the digests' check is the first case.
    const broken = (mutate: (dir: string) => void, digests = false) => {
      const dir = join(tempDir(), 'm');
      cpSync(model, dir, { recursive: true });
      if (!digests) editJson(join(dir, 'meta.json'), ({ files: _files, ...m }) => m);
      mutate(dir);
      return dir;
    };
    await assert.rejects(
      loadModelDirectory(broken((d) => truncateSync(join(d, 'weights.bin'), 64), true)),
      /weights\.bin: has 64 bytes, fewer than when it was saved \(meta\.json\)/,
    );
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['weights.bin missing', (d) => rmSync(join(d, 'weights.bin')), /weights\.bin: missing/],
      [
        'weights.bin truncated',
        (d) => truncateSync(join(d, 'weights.bin'), 64),
        /weights\.bin: has 64 bytes, model\.json declares \d+/,
      ],
      ['tokenizer.json missing', (d) => rmSync(join(d, 'tokenizer.json')), /tokenizer\.json: missing/],
      ['model.json missing', (d) => rmSync(join(d, 'model.json')), /model\.json: missing/],
      [
        'model.json not JSON',
        (d) => writeFileSync(join(d, 'model.json'), '{"modelTopology": '),
        /model\.json: is not valid JSON/,
      ],
      [
        'meta.json from the future',
        (d) => editJson(join(d, 'meta.json'), (m) => ({ ...m, format_version: 99 })),
        /meta\.json: format_version 99 is not one this version reads/,
      ],
      [
        'tokenizer too big for the embedding',
        (d) => editJson(join(d, 'tokenizer.json'), growNumWords),
        /tokenizer\.json: num_words 100000 does not fit the model's embedding of 500 rows/,
      ],
      [
        'a layer removed from model.json',
        (d) =>
          editJson(join(d, 'model.json'), (m) =>
            editLayers(m, (ls) => ls.filter((l) => l.class_name !== 'Dense').slice(0)),
          ),
        /model\.json: is not a model tfjs can build from its weights/,
      ],
      [
        "the output layer's units changed",
        (d) =>
          editJson(join(d, 'model.json'), (m) =>
            editLayers(m, (ls) =>
              ls.map((l, i) => (i === ls.length - 1 ? { ...l, config: { ...l.config, units: 7 } } : l)),
            ),
          ),
        /model\.json: is not a model tfjs can build from its weights/,
      ],
      [
        'a garbage topology',
        (d) => editJson(join(d, 'model.json'), (m) => ({ ...m, modelTopology: { class_name: 'Banana', config: 42 } })),
        /model\.json: is not a model tfjs can build/,
      ],
      [
        'a topology that is not an object',
        (d) => editJson(join(d, 'model.json'), (m) => ({ ...m, modelTopology: 'x' })),
        /model\.json: not a tfjs layers model/,
      ],
      [
        'an empty weights manifest',
        (d) => editJson(join(d, 'model.json'), (m) => ({ ...m, weightsManifest: [] })),
        /model\.json: its weightsManifest lists no weight files/,
      ],
      [
        'a manifest path outside the directory',
        (d) =>
          editJson(join(d, 'model.json'), (m) => ({
            ...m,
            weightsManifest: [{ ...(m.weightsManifest as ManifestGroup[])[0], paths: ['../../etc/passwd'] }],
          })),
        /model\.json: weightsManifest path "\.\.\/\.\.\/etc\/passwd" points outside the model directory/,
      ],
      [
        'an absolute manifest path',
        (d) =>
          editJson(join(d, 'model.json'), (m) => ({
            ...m,
            weightsManifest: [{ ...(m.weightsManifest as ManifestGroup[])[0], paths: ['/etc/passwd'] }],
          })),
        /points outside the model directory/,
      ],
      [
        'meta.json an array',
        (d) => writeFileSync(join(d, 'meta.json'), '[1, 2]'),
        /meta\.json: expected a JSON object/,
      ],
      [
        'meta.json a string',
        (d) => writeFileSync(join(d, 'meta.json'), '"model"'),
        /meta\.json: expected a JSON object/,
      ],
      [
        'meta.json members of the wrong type',
        (d) => editJson(join(d, 'meta.json'), (m) => ({ ...m, members: 'lstm' })),
        /meta\.json: members must list at least one member/,
      ],
      [
        'meta.json bagging more folds than the members make',
        (d) =>
          editJson(join(d, 'meta.json'), (m) => ({
            ...m,
            bagging: { folds: 2, stack: { method: 'linear', weights: [1] }, per_fold: [], summary: [] },
          })),
        /meta\.json: bagging\.folds is 2: the members \(1\) are not that many copies of the stack's 1 kinds/,
      ],
      [
        'meta.json label_names of the wrong type',
        (d) => editJson(join(d, 'meta.json'), (m) => ({ ...m, label_names: { a: 1 } })),
        /meta\.json: label_names must list at least two class names/,
      ],
      [
        'meta.json listing more classes than the model has',
        (d) =>
          editJson(join(d, 'meta.json'), (m) => ({
            ...m,
            labels: ['0', '1', '2', '3', '4', '5'],
            label_names: ['a', 'b', 'c', 'd', 'e', 'f'],
          })),
        /meta\.json: lists 6 classes, but the lstm member gives 5/,
      ],
      [
        'a negative tokenizer index',
        (d) => editJson(join(d, 'tokenizer.json'), (t) => editWordIndex(t, (wi) => ({ ...wi, the: -3 }))),
        /tokenizer\.json: word_index gives "the" the index -3/,
      ],
      [
        'a fractional tokenizer index',
        (d) => editJson(join(d, 'tokenizer.json'), (t) => editWordIndex(t, (wi) => ({ ...wi, the: 1.5 }))),
        /tokenizer\.json: word_index gives "the" the index 1\.5/,
      ],
      [
        'a tokenizer index beyond the embedding (no num_words)',
        (d) => editJson(join(d, 'tokenizer.json'), (t) => editWordIndex(noNumWords(t), (wi) => ({ ...wi, the: 9999 }))),
        /tokenizer\.json: num_words \(all \d+ words\) does not fit the model's embedding of 500 rows/,
      ],
      [
        'NaN weights (a diverged run)',
        (d) => poisonWeights(join(d, 'weights.bin')),
        /weights\.bin: holds a weight that is not a finite number/,
      ],
    ];
    for (const [name, mutate, expected] of cases) {
      await assert.rejects(loadModelDirectory(broken(mutate), undefined, await speedLayer()), expected, name);
    }
  });

  it("refuses a --pad max model whose meta.json max_len disagrees with model.json's input length", async () => {
    const dir = join(tempDir(), 'm');
    cpSync(join(FIXTURES, 'models', 'v1-max'), dir, { recursive: true });
    editJson(join(dir, 'meta.json'), (m) => ({ ...m, max_len: 40 }));
    await assert.rejects(
      loadModelDirectory(dir, undefined, await speedLayer()),
      /model\.json: takes 42 time steps, but the model was trained on inputs padded to 40 \(meta\.json max_len\)/,
    );
  });

  it('refuses a checkpoint state.json with a field missing or of the wrong type, naming it', async () => {
    const model = await tinyModel();
    const cases: [string, (s: Record<string, unknown>) => unknown, RegExp][] = [
      ['not an object', () => 7, /state\.json: expected a JSON object/],
      ['no epoch', ({ epoch: _, ...rest }) => rest, /state\.json: epoch is missing or not a whole number/],
      [
        'history of the wrong length',
        (st) => ({ ...st, history: [] }),
        /state\.json: history is missing or does not have one entry per epoch done/,
      ],
      ['no data hash', ({ data_sha256: _, ...rest }) => rest, /state\.json: data_file or data_sha256 is missing/],
      ['no param_count', ({ param_count: _, ...rest }) => rest, /state\.json: param_count is missing/],
    ];
    for (const [name, edit, expected] of cases) {
      const dir = join(tempDir(), 'm');
      cpSync(model, dir, { recursive: true });
      const path = join(dir, 'checkpoint', 'state.json');
      writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)));
      await assert.rejects(loadCheckpoint(dir), expected, name);
    }
  });

  it('a process killed while saving leaves the old complete model, and the next save cleans up', async () => {
    const data = trainHead(300);
    const out = join(tempDir(), 'model');
    cpSync(await tinyModel({ rows: 100 }), out, { recursive: true });
    const oldWeights = readFileSync(join(out, 'weights.bin'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test', 'model', 'slow-save-child.ts'), data, out],
      { cwd: ROOT },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // The checkpoint is staged first, then the model directory in .model.new: kill during the latter.
    const staging = join(out, '..', '.model.new');
    for (let i = 0; i < 800 && !existsSync(join(staging, 'weights.bin')); i++)
      await new Promise((r) => setTimeout(r, 25));
    assert.ok(existsSync(join(staging, 'weights.bin')), 'the model directory was being staged');
    child.kill('SIGKILL');
    await exited;

    const loaded = await loadModelDirectory(out, undefined, await speedLayer());
    loaded.dispose();
    assert.deepEqual(readFileSync(join(out, 'weights.bin')), oldWeights, 'the old model, whole');
    await runTraining({
      ...DEFAULT_SETTINGS,
      dataFile: data,
      out,
      epochs: 1,
      units: 8,
      embeddingDim: 8,
      denseUnits: 8,
      maxWords: 400,
      batchSize: 64,
      backend: 'wasm',
    });
    assert.ok(!readdirSync(join(out, '..')).some((f) => f.startsWith('.model.')), 'no staging left');
    assert.notDeepEqual(readFileSync(join(out, 'weights.bin')), oldWeights, 'the new model');
  });
});

function editJson(path: string, edit: (v: Record<string, unknown>) => Record<string, unknown>): void {
  writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)));
}

type LayerJson = { class_name: string; config: Record<string, unknown> };

function editLayers(
  model: Record<string, unknown>,
  edit: (layers: LayerJson[]) => LayerJson[],
): Record<string, unknown> {
  const topology = model.modelTopology as { config: { layers: LayerJson[] } };
  return {
    ...model,
    modelTopology: { ...topology, config: { ...topology.config, layers: edit(topology.config.layers) } },
  };
}

/** Keras' tokenizer.json keeps word_index as a JSON string inside config. */
function editWordIndex(
  tok: Record<string, unknown>,
  edit: (wi: Record<string, number>) => Record<string, number>,
): Record<string, unknown> {
  const config = tok.config as Record<string, unknown>;
  return {
    ...tok,
    config: {
      ...config,
      word_index: JSON.stringify(edit(JSON.parse(config.word_index as string) as Record<string, number>)),
    },
  };
}

function noNumWords(tok: Record<string, unknown>): Record<string, unknown> {
  return { ...tok, config: { ...(tok.config as Record<string, unknown>), num_words: null } };
}

/** NaN in the middle of the file, where the last Dense layer's weights are. */
function poisonWeights(path: string): void {
  const bytes = readFileSync(path);
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  floats[floats.length - 3] = Number.NaN;
  writeFileSync(path, bytes);
}

function growNumWords(tok: Record<string, unknown>): Record<string, unknown> {
  const config = tok.config as Record<string, unknown>;
  return { ...tok, config: { ...config, num_words: 100000 } };
}
