/** The `train` job through the library: presets, the kept epoch across a resume, early stopping, the blend. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { cleanTexts } from '../../src/data/encode.ts';
import { splitRows } from '../../src/data/split.ts';
import { readLabelled } from '../../src/data/labels.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import type { NgramMember } from '../../src/model/ngram/member.ts';
import { MIN_TEXTS_OFF_THREAD } from '../../src/model/ngram/scoring-thread.ts';
import type { RecurrentMember } from '../../src/model/recurrent-member.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { DEFAULT_SETTINGS, type RunSettings, type SettingKey } from '../../src/settings.ts';
import { fitBlend } from '../../src/train/fit-blend.ts';
import { runTraining } from '../../src/train/train-model.ts';
import { speedLayer, tempDir, trainHead } from '../helpers.ts';

const TINY: RunSettings = {
  ...DEFAULT_SETTINGS,
  batchSize: 32,
  maxWords: 600,
  embeddingDim: 8,
  units: 8,
  denseUnits: 8,
  learningRate: 0.01,
};

describe('training runs', () => {
  let data = '';
  before(async () => {
    await initEngine('wasm');
    data = trainHead(800);
  });
  const run = (
    settings: Partial<RunSettings> & { dataFile?: string; out?: string; resume?: boolean; explicit?: Set<SettingKey> },
  ) => runTraining({ ...TINY, dataFile: data, out: join(tempDir(), 'model'), backend: 'wasm', ...settings });

  it('keeps the best epoch: the saved weights score its val_acc, history.json marks it', async () => {
    const r = await run({ epochs: 5, seed: 3 });
    assert.ok(r.kept && r.best);
    assert.equal(r.kept.epoch, r.best.epoch);
    assert.equal(r.kept.val_acc, Math.max(...r.history.map((e) => e.val_acc ?? 0)));
    const history = JSON.parse(readFileSync(join(r.out, 'history.json'), 'utf8')) as {
      kept_epoch: number;
      epochs: unknown[];
    };
    assert.equal(history.kept_epoch, r.kept.epoch);
    assert.equal(history.epochs.length, 5);
    const loaded = await loadModelDirectory(r.out, undefined, await speedLayer());
    const p = new Predictor(loaded, { memory: false });
    const table = await readLabelled(data);
    const { valRows } = splitRows(table.texts.length, 0.1);
    const { predictions } = p.predict(Array.from(valRows, (i) => table.texts[i]));
    const acc = predictions.filter((q, i) => q.index === table.index[valRows[i]]).length / valRows.length;
    assert.equal(acc, r.kept.val_acc);
    loaded.dispose();
  });

  it('keep last saves the last epoch whatever came before', async () => {
    const r = await run({ epochs: 3, seed: 3, keep: 'last' });
    assert.equal(r.kept?.epoch, 3);
  });

  it('a resumed run keeps the same best epoch, with the same weights, as an uninterrupted one', async () => {
    const whole = await run({ epochs: 4, seed: 5 });
    const out = join(tempDir(), 'model');
    await run({ epochs: 2, seed: 5, out });
    const resumed = await run({ epochs: 4, seed: 5, out, resume: true });
    assert.equal(resumed.kept?.epoch, whole.kept?.epoch);
    resumed.history.forEach((e, i) =>
      assert.ok(Math.abs((e.val_loss ?? 0) - (whole.history[i].val_loss ?? 0)) < 1e-4, `epoch ${i + 1}`),
    );
    const [a, b] = await Promise.all([
      loadModelDirectory(whole.out, undefined, await speedLayer()),
      loadModelDirectory(out, undefined, await speedLayer()),
    ]);
    const wa = (a.members[0] as RecurrentMember).model.getWeights();
    const wb = (b.members[0] as RecurrentMember).model.getWeights();
    wa.forEach((w, i) => assert.ok(tf.max(tf.abs(tf.sub(w, wb[i]))).dataSync()[0] < 1e-4, `weight ${i}`));
    a.dispose();
    b.dispose();
  });

  it('a resume refuses a validation file whose bytes changed since the checkpoint, and goes on from the same ones', async () => {
    const dir = tempDir();
    const [train, validation] = [join(dir, 'train.tsv'), join(dir, 'validation.tsv')];
    const lines = readFileSync(data, 'utf8').trimEnd().split('\n');
    writeFileSync(train, `${lines.slice(0, 601).join('\n')}\n`);
    const held = `${[lines[0], ...lines.slice(601)].join('\n')}\n`;
    writeFileSync(validation, held);
    const out = join(dir, 'model');
    await run({ epochs: 1, seed: 5, out, dataFile: train, validationFile: validation });
    writeFileSync(
      validation,
      held.replace(/\t(\d)\n/, (_, l: string) => `\t${(Number(l) + 1) % 5}\n`),
    );
    await assert.rejects(run({ epochs: 2, seed: 5, out, dataFile: train, resume: true }), {
      name: 'SettingError',
      message: /validation file .*validation\.tsv has changed since the checkpoint/,
    });
    writeFileSync(validation, held);
    const resumed = await run({ epochs: 2, seed: 5, out, dataFile: train, resume: true });
    assert.equal(resumed.history.length, 2);
    const statePath = join(out, 'checkpoint', 'state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(state.inputs_sha256 as object), ['validation_file']);
    writeFileSync(statePath, JSON.stringify({ ...state, inputs_sha256: { validation_file: 'abc' } }));
    await assert.rejects(run({ epochs: 3, seed: 5, out, dataFile: train, resume: true }), {
      name: 'InputError',
      message: /inputs_sha256/,
    });
  });

  it('keepCheckpoint false: an ended run leaves the model alone in its directory; a resume may choose either', async () => {
    const out = join(tempDir(), 'model');
    const kept = await run({ epochs: 2, seed: 5, out });
    assert.equal(kept.checkpoint, join(out, 'checkpoint'));
    assert.ok(existsSync(join(out, 'checkpoint', 'state.json')), 'kept by default');
    writeFileSync(join(out, 'notes.txt'), 'the user’s');
    // A resume to more epochs that keeps none: the checkpoint's other settings, this run's choice here.
    const resumed = await run({
      epochs: 3,
      seed: 5,
      out,
      resume: true,
      keepCheckpoint: false,
      explicit: new Set(['epochs', 'keepCheckpoint']),
    });
    assert.equal(resumed.history.length, 3);
    assert.equal(resumed.checkpoint, null);
    assert.equal(resumed.settings.keepCheckpoint, false);
    assert.ok(!existsSync(join(out, 'checkpoint')), 'gone with the model write');
    assert.ok(existsSync(join(out, 'notes.txt')), "the user's files stay");
    const loaded = await loadModelDirectory(out);
    assert.equal(loaded.settings?.keepCheckpoint, false);
    loaded.dispose();
    const fresh = await run({ epochs: 1, seed: 5, keepCheckpoint: false });
    assert.ok(existsSync(join(fresh.out, 'model.json')) && !existsSync(join(fresh.out, 'checkpoint')));
  });

  it('stops early after the patience runs out, and says so', async () => {
    const r = await run({ epochs: 30, seed: 3, earlyStop: 1, learningRate: 0.05 });
    assert.ok(r.stoppedEarly, `ran ${r.history.length} epochs`);
    assert.ok(r.best);
    assert.equal(r.history.length, r.best.epoch + 1);
  });

  it('the ensemble: both members saved, blend weights fitted on the validation rows, the same scores after loading', async () => {
    const r = await run({ preset: 'ensemble', epochs: 2, seed: 1 });
    assert.deepEqual(
      r.scores.map((s) => s.kind),
      ['lstm', 'ngram', 'blend'],
    );
    assert.ok(r.blend);
    const meta = JSON.parse(readFileSync(join(r.out, 'meta.json'), 'utf8')) as {
      members: { kind: string; path: string }[];
      blend: unknown;
      memory: { phrases: number };
    };
    assert.deepEqual(
      meta.members.map((m) => [m.kind, m.path]),
      [
        ['lstm', '.'],
        ['ngram', 'ngram'],
      ],
    );
    assert.deepEqual(meta.blend, r.blend);
    assert.equal(meta.memory.phrases, r.memoryPhrases);

    const loaded = await loadModelDirectory(r.out, undefined, await speedLayer());
    const predictor = new Predictor(loaded, { memory: false });
    const table = await readLabelled(data);
    const { valRows } = splitRows(table.texts.length, 0.1);
    const texts = Array.from(valRows, (i) => table.texts[i]);
    const labels = Int32Array.from(valRows, (i) => table.index[i]);
    const { memberOutputs, predictions } = predictor.predict(texts, undefined, true);
    // Refitting on the validation rows with the loaded members gives the saved weights and scores.
    const refit = fitBlend(memberOutputs, labels, 5, 'linear');
    assert.deepEqual(refit.blend, r.blend);
    const blend = r.scores[2];
    assert.ok(
      Math.abs(refit.scores.acc - (blend.valAcc ?? NaN)) < 1e-9 &&
        Math.abs(refit.scores.loss - (blend.valLoss ?? NaN)) < 1e-6,
    );
    assert.equal(predictions.filter((p, i) => p.index === labels[i]).length / labels.length, blend.valAcc);
    // A text's answer does not depend on the texts around it.
    const alone = texts.slice(0, 20).map((t) => predictor.predict([t]).predictions[0].probabilities);
    alone.forEach((p, i) => p.forEach((v, j) => assert.ok(Math.abs(v - predictions[i].probabilities[j]) <= 1e-5)));
    // Enough texts for the n-gram member to score on its worker thread, from the loaded file's shared bytes:
    // every member's answers are what it gives alone, here.
    const ngram = loaded.members[1] as NgramMember;
    assert.ok(ngram.vectorizer.buckets.buffer instanceof SharedArrayBuffer);
    assert.ok(ngram.vectorizer.index.buffer instanceof SharedArrayBuffer, 'its index table too: handed, not rebuilt');
    const many = cleanTexts([...table.texts, ...table.texts.map((t) => `${t} again`)]);
    assert.ok(many.length >= MIN_TEXTS_OFF_THREAD);
    const { outputs } = predictor.memberOutputs(many);
    loaded.members.forEach((m, k) => assert.deepEqual(outputs[k], m.predict(many).probabilities, m.kind));
    loaded.dispose();
  });

  it('the phrase memory holds the training rows, never the validation rows', async () => {
    const r = await run({ epochs: 1, seed: 1 });
    const loaded = await loadModelDirectory(r.out, undefined, await speedLayer());
    const table = await readLabelled(data);
    const { trainRows, valRows } = splitRows(table.texts.length, 0.1);
    const cleaned = cleanTexts(table.texts);
    const trainSet = new Set(Array.from(trainRows, (i) => cleaned[i]));
    assert.equal(loaded.memory?.size, trainSet.size);
    for (const i of trainRows) assert.ok(loaded.memory?.lookup(cleaned[i]), cleaned[i]);
    for (const i of valRows)
      if (!trainSet.has(cleaned[i])) assert.equal(loaded.memory?.lookup(cleaned[i]), null, cleaned[i]);
    const off = await run({ epochs: 1, seed: 1, memory: false });
    const none = await loadModelDirectory(off.out, undefined, await speedLayer());
    assert.equal(none.memory, null);
    loaded.dispose();
    none.dispose();
  });
});
