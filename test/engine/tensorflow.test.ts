import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { splitRows } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import type { HistoryFile } from '../../src/model/history.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { needAddon, needTensorflow, sentiment, speedLayer, tinyModel, TRAIN_TSV } from '../helpers.ts';

/** The validation rows' texts of the first `rows` rows of train.tsv, as the split takes them. */
function validationTexts(rows: number): string[] {
  const texts = readFileSync(TRAIN_TSV, 'utf8')
    .split('\n')
    .slice(1, rows + 1)
    .map((l) => l.split('\t')[2]);
  return Array.from(splitRows(texts.length, 0.1).valRows, (i) => texts[i]);
}

async function labelsOn(
  dir: string,
  engine: 'tensorflow' | 'blas',
  texts: string[],
): Promise<{ labels: number[]; probabilities: number[][] }> {
  await initEngine(engine);
  const loaded = await loadModelDirectory(dir, undefined, await speedLayer());
  try {
    const predictions = new Predictor(loaded, { memory: false }).predict(texts).predictions;
    return { labels: predictions.map((p) => p.index), probabilities: predictions.map((p) => p.probabilities) };
  } finally {
    loaded.dispose();
  }
}

describe('the tensorflow engine (tfjs-node) beside blas', () => {
  after(async () => {
    await initEngine('wasm');
  });

  it('one seeded epoch on each gives histories within 1e-4 and the same validation labels', async (t) => {
    if (!(await needTensorflow(t)) || !needAddon(t)) return;
    const rows = 600;
    const onTf = await tinyModel({ rows, backend: 'tensorflow', seed: 3 });
    const onBlas = await tinyModel({ rows, backend: 'blas', seed: 3 });
    const history = (dir: string) =>
      (JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as HistoryFile).epochs;
    const [a, b] = [history(onTf), history(onBlas)];
    for (const key of ['loss', 'acc', 'val_loss', 'val_acc'] as const)
      assert.ok(Math.abs((a[0][key] ?? NaN) - (b[0][key] ?? NaN)) <= 1e-4, `${key}: ${a[0][key]} vs ${b[0][key]}`);
    const texts = validationTexts(rows);
    assert.deepEqual(
      (await labelsOn(onTf, 'tensorflow', texts)).labels,
      (await labelsOn(onBlas, 'blas', texts)).labels,
    );
  });

  it('a model trained on one predicts the same on the other (within 2e-6)', async (t) => {
    if (!(await needTensorflow(t)) || !needAddon(t)) return;
    const dir = await tinyModel({ rows: 300, backend: 'blas', epochs: 2 });
    const texts = validationTexts(300);
    const [x, y] = [await labelsOn(dir, 'blas', texts), await labelsOn(dir, 'tensorflow', texts)];
    x.probabilities.forEach((row, i) =>
      row.forEach((p, j) =>
        assert.ok(Math.abs(p - y.probabilities[i][j]) <= 2e-6, `${texts[i]}[${j}]: ${p} vs ${y.probabilities[i][j]}`),
      ),
    );
  });

  it('says nothing on stderr by default: no TensorFlow log lines; --verbose names libtensorflow and lets them through', async (t) => {
    if (!(await needTensorflow(t))) return;
    const dir = await tinyModel({ rows: 300 });
    // As a user runs it: TensorFlow's log variables unset (this process set one to load tfjs-node quietly).
    const saved = process.env.TF_CPP_MIN_LOG_LEVEL;
    delete process.env.TF_CPP_MIN_LOG_LEVEL;
    try {
      const quiet = sentiment(['predict', 'an unseen zzz phrase', '--model', dir, '--backend', 'tensorflow']);
      assert.equal(quiet.code, 0, quiet.err);
      assert.equal(quiet.err, '');
      const verbose = sentiment([
        'predict',
        'an unseen zzz phrase',
        '--model',
        dir,
        '--backend',
        'tensorflow',
        '--verbose',
      ]);
      assert.equal(verbose.code, 0, verbose.err);
      assert.match(verbose.err, /^engine {2}tensorflow \(@tensorflow\/tfjs-node .*libtensorflow \d+\.\d+/m);
    } finally {
      if (saved !== undefined) process.env.TF_CPP_MIN_LOG_LEVEL = saved;
    }
  });
});
