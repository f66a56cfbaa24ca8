import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { loadModelDirectory } from '../../src/model/directory.ts';
import { predictFromMemory } from '../../src/predict/from-memory.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { InputError } from '../../src/errors.ts';
import { readTable } from '../../src/data/table.ts';
import { ROOT, tinyModel, trainHead } from '../helpers.ts';

describe('predictFromMemory', () => {
  let dir = '';
  let known: string[] = [];
  let unknown = '';
  before(async () => {
    dir = await tinyModel({ rows: 300 });
    const loaded = await loadModelDirectory(dir);
    const texts = (await readTable(trainHead(300), { labelled: true })).rows.slice(0, 40).map((r) => r.text);
    const { predictions } = new Predictor(loaded).predict(texts);
    known = texts.filter((_, i) => predictions[i].source === 'memory').slice(0, 5);
    unknown = texts.find((_, i) => predictions[i].source === 'model') ?? 'a phrase no review ever held';
    loaded.dispose();
  });

  it('answers texts the memory holds every one of exactly as the loaded model does', async () => {
    assert.ok(known.length >= 3, 'the first training rows are in memory');
    const { answer, header } = await predictFromMemory(dir, known);
    assert.ok(answer);
    const loaded = await loadModelDirectory(dir);
    const full = new Predictor(loaded).predict(known).predictions;
    assert.deepEqual(
      answer.results,
      full.map((p, i) => ({ ...p, text: known[i] })),
    );
    assert.equal(answer.fromMemory, known.length);
    assert.deepEqual(header.labelNames, loaded.labelNames);
    loaded.dispose();
  });

  it('gives no answer when one text needs the model, or the memory is not used; its header loads the members', async () => {
    const { answer, header } = await predictFromMemory(dir, [...known, unknown]);
    assert.equal(answer, null);
    const loaded = await loadModelDirectory(dir, header);
    assert.equal(loaded.memory, header.memory, 'the memory read once');
    const p = new Predictor(loaded).predict([unknown]).predictions[0];
    assert.equal(p.source, 'model');
    loaded.dispose();
  });

  it('refuses an empty text before reading the model', async () => {
    await assert.rejects(
      predictFromMemory('/nonexistent/model', ['fine', '  ']),
      (err: Error) => err instanceof InputError && /empty text/.test(err.message),
    );
  });

  it('starts no TensorFlow.js', () => {
    // A fresh process: this one has tfjs loaded by the other tests.
    const script = `
      import { createRequire } from 'node:module';
      import { predictFromMemory } from './src/predict/from-memory.ts';
      const { answer } = await predictFromMemory(process.argv[1], JSON.parse(process.argv[2]));
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@tensorflow'));
      console.log(JSON.stringify({ answered: answer !== null, tfjs: loaded.length }));`;
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, dir, JSON.stringify(known)],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { answered: true, tfjs: 0 });
  });
});
