/**
 * Distillation: a tiny `best` model as the teacher, a student (the seed's LSTM) trained on the same file
 * towards its out-of-fold answers; the student directory stands on its own.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { formatEvaluation } from '../../src/cli/evaluate-view.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { evaluateFile } from '../../src/evaluate/evaluate-file.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { DEFAULT_SETTINGS, type RunSettings, type SettingKey } from '../../src/settings.ts';
import { teacherAnswers, teacherFoldOf, teacherModelAnswers, teacherProbabilities } from '../../src/train/teacher.ts';
import { cleanTexts } from '../../src/data/encode.ts';
import type { AugmentKind } from '../../src/settings.ts';
import { transferAnswers } from '../../src/train/student-data.ts';
import { runTraining } from '../../src/train/train-model.ts';
import { readTable } from '../../src/data/table.ts';
import { TINY_SETTINGS, tempDir, trainHead, vectorsFor } from '../helpers.ts';

describe('a student trained towards a teacher (--teacher)', () => {
  let data = '';
  let teacher = '';
  const train = (
    over: Partial<RunSettings> & {
      dataFile?: string;
      out?: string;
      resume?: boolean;
      folds?: number;
      explicit?: Set<SettingKey>;
    },
    reporter: Parameters<typeof runTraining>[1] = {},
  ) =>
    runTraining(
      {
        ...DEFAULT_SETTINGS,
        ...TINY_SETTINGS,
        dataFile: data,
        out: join(tempDir(), 'model'),
        backend: 'wasm',
        ...over,
      },
      reporter,
    );

  before(async () => {
    await initEngine('wasm');
    data = trainHead(500);
    teacher = (await train({ preset: 'best', embeddings: vectorsFor(data), folds: 3 })).out;
  });

  it("the teacher's answers are its stack's out-of-fold probabilities of every row of its file", async () => {
    const table = await readTable(data, { labelled: true });
    const p = await teacherProbabilities(teacher, {
      sha256: table.sha256,
      labels: ['0', '1', '2', '3', '4'],
      rows: 500,
    });
    assert.equal(p.length, 500 * 5);
    for (let r = 0; r < 500; r++) {
      const sum = p.subarray(r * 5, r * 5 + 5).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${r} sums to ${sum}`);
    }
  });

  it('trains towards the teacher: the same run with a weight of 0 (the labels alone) trains otherwise', async () => {
    const taught = await train({ teacher, distilWeight: 1 });
    const alone = await train({ teacher, distilWeight: 0 });
    const plain = await train({});
    assert.equal(alone.history[0].loss, plain.history[0].loss, 'a weight of 0 is the labels alone, to the bit');
    assert.notEqual(taught.history[0].loss, plain.history[0].loss);
    // Validation scores the labels either way.
    assert.ok(taught.history[0].val_acc !== null && taught.history[0].val_loss !== null);
  });

  it('the student is a model directory on its own: it loads and predicts without the teacher', async () => {
    const student = await train({ teacher });
    rmSync(teacher, { recursive: true, force: true });
    const loaded = await loadModelDirectory(student.out);
    try {
      assert.equal(loaded.settings?.teacher, teacher, 'meta.json records which teacher');
      const { predictions } = new Predictor(loaded, { memory: false }).predict(['a fine , funny film', 'dull']);
      assert.equal(predictions.length, 2);
    } finally {
      loaded.dispose();
    }
    teacher = (await train({ preset: 'best', embeddings: vectorsFor(data), folds: 3 })).out;
  });

  it("evaluate on a student's validation rows says its teacher trained on them; elsewhere it says nothing", async () => {
    const student = (await train({ teacher })).out;
    const plain = (await train({})).out;
    const score = (modelDir: string, validation: boolean) =>
      evaluateFile({ modelDir, file: data, validation, backend: 'wasm' });
    const held = await score(student, true);
    assert.equal(held.teacherSawRows, teacher);
    assert.match(formatEvaluation(held), /teacher .* trained on these rows.*flatters/s);
    assert.equal((await score(student, false)).teacherSawRows, null, 'all rows: the training file note says it');
    const own = await score(plain, true);
    assert.equal(own.teacherSawRows, null);
    assert.doesNotMatch(formatEvaluation(own), /teacher/);
  });

  it("labels a new text by the fold that never saw its sentence: a row's own text gets its out-of-fold answer", async () => {
    const table = await readTable(data, { labelled: true });
    const oof = await teacherProbabilities(teacher, {
      sha256: table.sha256,
      labels: ['0', '1', '2', '3', '4'],
      rows: 500,
    });
    const fold = await teacherFoldOf(
      teacher,
      table.rows.map((r) => r.group ?? ''),
      null,
    );
    const rows = [0, 1, 170, 171, 340, 499];
    assert.ok(new Set(rows.map((r) => fold[r])).size === 3, 'rows of every fold');
    const answers = await teacherAnswers(
      teacher,
      cleanTexts(rows.map((r) => table.rows[r].text)),
      Int32Array.from(rows, (r) => fold[r]),
      null,
    );
    rows.forEach((r, i) => {
      for (let k = 0; k < 5; k++)
        assert.ok(
          Math.abs(answers[i * 5 + k] - oof[r * 5 + k]) < 1e-4,
          `row ${r} class ${k}: ${answers[i * 5 + k]} vs ${oof[r * 5 + k]}`,
        );
    });
    await assert.rejects(teacherFoldOf(teacher, [], 'Other'), { name: 'SettingError', message: /groupColumn/ });
  });

  it("learns the teacher's own answers with teacherTargets 'model': what predict --no-memory says", async () => {
    const texts = ['a fine , funny film', 'dull and long', 'the film'];
    const answers = await teacherModelAnswers(teacher, texts, null);
    const loaded = await loadModelDirectory(teacher);
    try {
      const { predictions } = new Predictor(loaded, { memory: false }).predict(texts);
      predictions.forEach((p, i) =>
        p.probabilities.forEach((v, k) => assert.ok(Math.abs(answers[i * 5 + k] - v) < 1e-6, `${i} ${k}`)),
      );
    } finally {
      loaded.dispose();
    }
    const fromModel = await train({ teacher, teacherTargets: 'model', distilWeight: 1 });
    const fromFolds = await train({ teacher, distilWeight: 1 });
    assert.notEqual(fromModel.history[0].loss, fromFolds.history[0].loss);
    await assert.rejects(train({ teacherTargets: 'model', explicit: new Set(['teacherTargets']) }), {
      name: 'SettingError',
      message: /teacherTargets.*teacher/s,
    });
  });

  it("labels the transfer set as the training rows: by the whole teacher for 'model' targets, else by fold", async () => {
    const table = await readTable(data, { labelled: true });
    const groups = table.rows.map((r) => r.group ?? '');
    const fold = await teacherFoldOf(teacher, groups, null);
    const made = {
      texts: ['a fine , funny film indeed', 'long and dull'],
      kind: ['spans', 'dropout'] as AugmentKind[],
      source: Int32Array.of(0, 340),
    };
    assert.notEqual(fold[0], fold[340]);
    const whole = await teacherModelAnswers(teacher, made.texts, null);
    const byFold = await teacherAnswers(teacher, made.texts, Int32Array.of(fold[0], fold[340]), null);
    const opts = { groupColumn: null, speed: null };
    const close = (a: Float32Array, b: Float32Array, r: number) =>
      [0, 1, 2, 3, 4].every((k) => Math.abs(a[r * 5 + k] - b[r * 5 + k]) < 1e-6);
    const own = await transferAnswers(teacher, made, 'model', groups, opts);
    assert.ok(close(own, whole, 0) && close(own, whole, 1), "'model': each text as predict --no-memory answers it");
    const oof = await transferAnswers(teacher, made, 'out-of-fold', groups, opts);
    assert.ok(close(oof, byFold, 0) && close(oof, byFold, 1), "'out-of-fold': by the fold that never saw its sentence");
    assert.ok(!close(oof, whole, 0), 'one fold and the whole teacher answer differently');
    const none = { texts: [], kind: [], source: new Int32Array(0) };
    assert.equal((await transferAnswers(teacher, none, 'model', groups, opts)).length, 0);
  });

  it("adds a transfer set for training only: the memory, validation and data lines keep the file's rows", async () => {
    const seen: { count: Partial<Record<AugmentKind, number>> | null }[] = [];
    const augmented = await train(
      { teacher, augment: ['spans', 'dropout', 'neighbours'], augmentShare: 0.6 },
      { onTransferSet: (t) => seen.push({ count: t.count }) },
    );
    const plain = await train({ teacher });
    assert.equal(seen.length, 2);
    const made = seen[1].count ?? {};
    const total = Object.values(made).reduce((a, b) => a + b, 0);
    // 0.6 of the 450 training rows, shared by three kinds (a few fewer if a kind runs out of new texts).
    assert.ok(total > 200 && total <= 270, JSON.stringify(made));
    assert.ok((made.spans ?? 0) > 0 && (made.dropout ?? 0) > 0 && (made.neighbours ?? 0) > 0, JSON.stringify(made));
    assert.equal(augmented.memoryPhrases, plain.memoryPhrases);
    assert.notEqual(augmented.history[0].loss, plain.history[0].loss, 'the new texts are trained on');
    const loaded = await loadModelDirectory(augmented.out);
    try {
      assert.deepEqual(loaded.settings?.augment, ['spans', 'dropout', 'neighbours']);
    } finally {
      loaded.dispose();
    }
    await assert.rejects(train({ augment: ['spans'], explicit: new Set(['augment']) }), {
      name: 'SettingError',
      message: /augment.*teacher/s,
    });
    await assert.rejects(train({ teacher, augmentShare: 2, explicit: new Set(['augmentShare']) }), {
      name: 'SettingError',
      message: /augmentShare.*augment/s,
    });
    // Bounded: every new text is labelled by the teacher and read every epoch.
    await assert.rejects(train({ teacher, augment: ['dropout'], augmentShare: 21 }), {
      name: 'SettingError',
      message: /augmentShare.*at most 20/s,
    });
    // Far above Hinton et al.'s range the T² factor overflows: refused before any work.
    await assert.rejects(train({ teacher, temperature: 1e20 }), {
      name: 'SettingError',
      message: /temperature.*at most 100/s,
    });
  });

  it('the student preset: the member on vectors, distilled, a model directory of one member', async () => {
    const student = await train({ preset: 'student', embeddings: vectorsFor(data), teacher, float16: true });
    const manifest = JSON.parse(readFileSync(join(student.out, 'model.json'), 'utf8')) as {
      weightsManifest: { weights: { quantization?: { dtype: string } }[] }[];
    };
    assert.ok(
      manifest.weightsManifest[0].weights.every((w) => w.quantization?.dtype === 'float16'),
      '--float16',
    );
    const loaded = await loadModelDirectory(student.out);
    try {
      assert.deepEqual(
        loaded.members.map((m) => m.kind),
        ['bilstm'],
      );
      assert.equal(loaded.settings?.teacher, teacher);
    } finally {
      loaded.dispose();
    }
    await assert.rejects(train({ preset: 'student', embeddings: vectorsFor(data) }), {
      name: 'SettingError',
      message: /teacher.*student preset learns from a teacher/s,
    });
  });

  it('never writes its model where the teacher is, around it or inside it: the teacher stays whole', async () => {
    const files = (dir: string) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .sort()
        .map((f) => {
          const s = statSync(join(dir, f));
          return `${f} ${s.size} ${s.mtimeMs}`;
        });
    const before = files(teacher);
    const part = readdirSync(teacher, { withFileTypes: true }).find((e) => e.isDirectory())?.name;
    assert.ok(part, 'a fold model or member folder of the teacher');
    for (const out of [teacher, join(teacher, part), join(teacher, 'student')])
      await assert.rejects(train({ teacher, out }), { name: 'SettingError', message: /out.*which this run reads/s });
    assert.deepEqual(files(teacher), before);
  });

  it('a resume refuses a teacher changed in place since the checkpoint: its answers would be other targets', async () => {
    const own = join(tempDir(), 'teacher');
    cpSync(teacher, own, { recursive: true });
    const out = join(tempDir(), 'student');
    await train({ teacher: own, epochs: 1, keepCheckpoint: true, out });
    const meta = readFileSync(join(own, 'meta.json'), 'utf8');
    writeFileSync(join(own, 'meta.json'), `${meta}\n`); // as a teacher trained again would: other bytes
    const resume = () =>
      train({ teacher: own, epochs: 2, keepCheckpoint: true, out, resume: true, explicit: new Set(['epochs']) });
    await assert.rejects(resume(), { name: 'SettingError', message: /resume.*teacher .* has changed/s });
    writeFileSync(join(own, 'meta.json'), meta);
    assert.equal((await resume()).history.length, 2);
  });

  it('refuses a teacher that cannot teach this run, naming it and why', async () => {
    const empty = tempDir();
    for (const [dir, why] of [
      [
        join(empty, 'missing'),
        /teacher .*missing: does not exist: a teacher is a model directory trained with preset best/s,
      ],
      [data, /teacher .*: is a file: a teacher is a model directory/s],
      [empty, /teacher .*: holds no meta\.json: a teacher is a model directory/s],
    ] as const)
      await assert.rejects(train({ teacher: dir }), { name: 'SettingError', message: why });
    const plain = (await train({})).out;
    await assert.rejects(train({ teacher: plain }), {
      name: 'SettingError',
      message: /teacher.*not a model trained on folds/s,
    });
    const other = join(tempDir(), 'other.tsv');
    writeFileSync(other, `${readFileSync(data, 'utf8')}\n`.replace(/\n\n$/, '\n').replace(/\t4\n/, '\t3\n'));
    await assert.rejects(train({ teacher, dataFile: other }), { name: 'SettingError', message: /another file/ });
    await assert.rejects(train({ teacher, preset: 'best', embeddings: vectorsFor(data), folds: 3 }), {
      name: 'SettingError',
      message: /teacher.*other folds/s,
    });
    await assert.rejects(train({ distilWeight: 0.5, explicit: new Set(['distilWeight']) }), {
      name: 'SettingError',
      message: /distilWeight.*teacher/s,
    });
  });
});
