/**
 * A preset trained on every fold (`best`): the fold models are the model, blended by a stack fitted on
 * every row's out-of-fold answers; and cross-validation's own out-of-fold stack.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import { readLabelled } from '../../src/data/labels.ts';
import { foldSplit } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { SettingError } from '../../src/errors.ts';
import { evaluateFile } from '../../src/evaluate/evaluate-file.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import type { ModelMeta } from '../../src/model/meta.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { DEFAULT_SETTINGS, type RunSettings } from '../../src/settings.ts';
import { PRESET_TABLE } from '../../src/presets.ts';
import { foldPath } from '../../src/train/bagging.ts';
import { crossValidate } from '../../src/train/cross-validate.ts';
import { outOfFoldTsv } from '../../src/train/out-of-fold.ts';
import { runTraining } from '../../src/train/train-model.ts';
import { TINY_SETTINGS, tempDir, trainHead, vectorsFor } from '../helpers.ts';

describe('the best preset: every fold trains, the fold models answer together', () => {
  let data = '';
  let vectors = '';
  before(async () => {
    await initEngine('wasm');
    data = trainHead(600);
    vectors = vectorsFor(data);
  });
  const train = (over: Partial<RunSettings> & { folds?: number; resume?: boolean; out?: string }) =>
    runTraining({
      ...DEFAULT_SETTINGS,
      ...TINY_SETTINGS,
      dataFile: data,
      out: join(tempDir(), 'model'),
      backend: 'wasm',
      preset: 'best',
      embeddings: vectors,
      ...over,
    });

  it('saves each fold’s members, a blend over all of them, the fold scores, and a memory of every row', async () => {
    const r = await train({ folds: 3 });
    const meta = JSON.parse(readFileSync(join(r.out, 'meta.json'), 'utf8')) as ModelMeta;
    const kinds = PRESET_TABLE.best.members.map((m) => m.kind);
    assert.deepEqual(
      meta.members.map((m) => [m.kind, m.path]),
      [1, 2, 3].flatMap((f) => kinds.map((k, i) => [k, foldPath(f, i === 0 ? '.' : k)])),
    );
    assert.ok(meta.blend);
    assert.ok(Math.abs(meta.blend.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.equal(meta.bagging?.folds, 3);
    assert.deepEqual(
      meta.bagging?.summary.map((s) => s.kind),
      [...kinds, 'blend', 'stack'],
    );
    const { table, texts } = await readLabelled(data);
    // Every row trained some fold model, so the memory holds every distinct phrase.
    assert.equal(r.memoryPhrases, meta.memory?.phrases);
    assert.ok((meta.memory?.phrases ?? 0) > 0.95 * texts.length);
    // Each fold's scores are on rows its models never saw: the folds' held-out rows are every row once.
    const groups = table.rows.map((row) => row.group ?? '');
    assert.deepEqual(
      meta.bagging?.per_fold.map((f) => f.valRows),
      [0, 1, 2].map((f) => foldSplit(groups, 3, f).valRows.length),
    );
    assert.equal(
      meta.bagging?.per_fold.reduce((n, f) => n + f.valRows, 0),
      texts.length,
    );
    assert.deepEqual(
      r.scores.map((s) => s.kind),
      [...kinds, 'blend', 'stack'],
    );
    // One fold loop: cross-validating the same preset on the same data and seed gives the same folds.
    const cvOut = join(tempDir(), 'cv');
    const cv = await crossValidate(
      {
        ...DEFAULT_SETTINGS,
        ...TINY_SETTINGS,
        dataFile: data,
        out: cvOut,
        backend: 'wasm',
        preset: 'best',
        embeddings: vectors,
      },
      3,
    );
    assert.deepEqual(
      cv.folds.map((f) => f.scores.map((s) => [s.kind, s.valAcc])),
      meta.bagging?.per_fold.map((f) => f.scores.map((s) => [s.kind, s.valAcc])),
    );
    assert.deepEqual(readFileSync(join(cvOut, 'oof.tsv.gz')), readFileSync(join(r.out, 'oof.tsv.gz')));
    // The model answers as one: every member loaded, probabilities that sum to 1.
    const loaded = await loadModelDirectory(r.out);
    assert.equal(loaded.members.length, 3 * kinds.length);
    // What the stack was fitted on: every row's out-of-fold answers, by member.
    const oof = gunzipSync(readFileSync(join(r.out, 'oof.tsv.gz')))
      .toString('utf8')
      .trim()
      .split('\n');
    assert.equal(oof.length, texts.length + 1);
    const { predictions } = new Predictor(loaded, { memory: false }).predict(['a gorgeous , witty film', 'dull']);
    for (const p of predictions)
      assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'probabilities sum to 1');
    loaded.dispose();
    // None of its rows was held out: evaluate --validation says so.
    await assert.rejects(
      evaluateFile({ modelDir: r.out, file: data, validation: true, backend: 'wasm' }),
      (e: unknown) => e instanceof SettingError && /every row/.test(e.message),
    );
  });

  it("keeps no checkpoint of its own: another run's in --out goes with the model's write", async () => {
    const out = join(tempDir(), 'model');
    await train({ preset: 'seed', epochs: 1, out });
    assert.ok(existsSync(join(out, 'checkpoint', 'state.json')));
    const r = await train({ folds: 2, out });
    assert.equal(r.checkpoint, null);
    assert.ok(existsSync(join(out, 'meta.json')) && !existsSync(join(out, 'checkpoint')));
  });

  it('trains from scratch only: resume is refused before any work', async () => {
    await assert.rejects(train({ resume: true }), (e: unknown) => e instanceof SettingError && e.setting === 'resume');
  });
});

describe('cross-validation keeps every row’s out-of-fold answers', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('fits a stack on them, scored fold by fold, and writes them as a table', async () => {
    const data = trainHead(400);
    const cv = await crossValidate(
      {
        ...DEFAULT_SETTINGS,
        ...TINY_SETTINGS,
        dataFile: data,
        out: join(tempDir(), 'cv'),
        backend: 'wasm',
        preset: 'ensemble',
      },
      2,
    );
    assert.deepEqual(
      cv.summary.map((s) => s.kind),
      ['lstm', 'ngram', 'blend', 'stack'],
    );
    assert.ok(cv.outOfFold);
    const lines = outOfFoldTsv(cv.outOfFold).trimEnd().split('\n');
    assert.equal(lines[0].split('\t').slice(0, 4).join(' '), 'row fold label lstm:0');
    assert.equal(lines.length - 1, 400);
    const folds = new Set(lines.slice(1).map((l) => l.split('\t')[1]));
    assert.deepEqual([...folds].sort(), ['1', '2']);
    for (const l of lines.slice(1, 20)) {
      const p = l.split('\t').slice(3, 8).map(Number);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-3);
    }
  });
});
