/** The report through the library: what each section holds, and that the page needs nothing from outside. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initEngine } from '../../src/engine/engine.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { runTraining } from '../../src/train/train-model.ts';
import { writeReport } from '../../src/report/write-report.ts';
import { tempDir, tinyModel, trainHead, vectorsFor } from '../helpers.ts';
import { confusionCounts, SECTIONS } from './sections.ts';

describe('sentiment report (library)', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('a model on its validation rows: every section, nothing fetched, the matrix sums to the rows', async () => {
    const model = await tinyModel({ rows: 400, epochs: 2 });
    const out = join(tempDir(), 'report.html');
    const r = await writeReport({ modelDir: model, out, backend: 'wasm', mistakes: 7 });
    assert.equal(r.validation, true);
    assert.equal(r.rows, 40, 'the last 10% of 400 rows');
    const html = readFileSync(out, 'utf8');
    for (const id of SECTIONS) assert.match(html, new RegExp(`<section id="${id}">`), id);
    // Self-contained: no script, no stylesheet or image from elsewhere, no URL in a style.
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(/i);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i);
    assert.ok((html.match(/<svg/g) ?? []).length >= 6, 'curves, matrix, classes, calibration, two slices');
    const counts = confusionCounts(html);
    assert.equal(counts.length, 25);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      r.rows,
    );
    // The most confident mistakes, most confident first, each word coloured with its number.
    const mistakes = html.slice(html.indexOf('<section id="mistakes">'));
    const probabilities = [...mistakes.matchAll(/<td class="n">([\d.]+)%<\/td><\/tr>/g)].map((m) => Number(m[1]));
    assert.ok(probabilities.length > 0 && probabilities.length <= 7, `${probabilities.length} mistakes listed`);
    assert.deepEqual(
      probabilities,
      [...probabilities].sort((a, b) => b - a),
    );
    assert.match(html, /<span class="w" style="background:rgba\([^"]+\)" title="[+-]\d\.\d{3}">/);
    assert.match(html, /kept epoch<\/td><td>\d of 2/);
  });

  it("scores a file given, with its rows and the model's unknown words", async () => {
    const model = await tinyModel({ rows: 300 });
    const file = trainHead(120);
    const out = join(tempDir(), 'r.html');
    const r = await writeReport({ modelDir: model, file, out, backend: 'wasm', memory: false });
    assert.equal(r.validation, false);
    assert.equal(r.rows, 120);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /By words the model does not know/);
    assert.match(html, /scored<\/td><td>120 rows of /);
    assert.doesNotMatch(html, /the file it was trained on/, 'another file than the training file (another sha256)');
  });

  it("an ensemble with word vectors draws each recurrent member's curves and the members beside the blend", async () => {
    const data = trainHead(500);
    const out = join(tempDir(), 'model');
    await runTraining({
      ...DEFAULT_SETTINGS,
      dataFile: data,
      out,
      backend: 'wasm',
      preset: 'ensemble',
      embeddings: vectorsFor(data),
      epochs: 2,
      batchSize: 64,
      maxWords: 400,
      embeddingDim: 8,
      units: 8,
      denseUnits: 8,
    });
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as {
      members?: { kind: string; epochs: unknown[] }[];
    };
    assert.deepEqual(
      history.members?.map((m) => m.kind),
      ['bilstm'],
    );
    const page = join(tempDir(), 'e.html');
    await writeReport({ modelDir: out, out: page, backend: 'wasm' });
    const html = readFileSync(page, 'utf8');
    assert.deepEqual(
      [...html.matchAll(/<figure data-member="(\w+)">/g)].map((m) => m[1]),
      ['lstm', 'bilstm'],
    );
    for (const kind of ['lstm', 'ngram', 'bilstm', 'blend']) assert.match(html, new RegExp(`<tr><td>${kind}</td>`));
  });
});
