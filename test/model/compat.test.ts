/**
 * What must not change: model directories written by version 1 of the format (test/fixtures/models,
 * made before the member notion) load and predict exactly what they predicted then, and a seeded
 * one-epoch run still gives the history it gave then.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { initEngine } from '../../src/engine/engine.ts';
import { loadFusedLstmAddon } from '../../src/engine/native-addon.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import type { EpochLog } from '../../src/model/history.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { runTraining } from '../../src/train/train-model.ts';
import { FIXTURES, readFixture, speedLayer, tempDir, trainHead } from '../helpers.ts';

type Pinned = { texts: string[] } & Record<string, unknown>;
const pinned = readFixture<Pinned>('models/pinned.json');

describe('models and runs from before the reshape', () => {
  for (const pad of ['group', 'max'] as const) {
    it(`a version-1 model directory (${pad} batching) loads and predicts what it predicted then`, async () => {
      await initEngine('wasm');
      const loaded = await loadModelDirectory(join(FIXTURES, 'models', `v1-${pad}`), undefined, await speedLayer());
      try {
        assert.equal(loaded.meta?.format_version, 1);
        assert.equal(loaded.settings?.pad, pad);
        assert.equal(loaded.settings?.recurrentActivation, 'hard_sigmoid');
        const got = new Predictor(loaded).predict(pinned.texts).predictions.map((p) => p.probabilities);
        const want = pinned[`predictions_${pad}`] as number[][];
        got.forEach((row, i) =>
          row.forEach((p, j) =>
            assert.ok(Math.abs(p - want[i][j]) <= 1e-6, `${pinned.texts[i]}[${j}]: ${p} vs ${want[i][j]}`),
          ),
        );
        assert.ok(
          new Set(got.map((row) => row.indexOf(Math.max(...row)))).size > 1,
          'the fixture answers differently by text',
        );
      } finally {
        loaded.dispose();
      }
    });
  }

  for (const engine of ['wasm', 'blas'] as const) {
    for (const pad of ['group', 'max'] as const) {
      it(`a seeded one-epoch run gives the history it gave then (${engine}, ${pad})`, async (t) => {
        if (engine === 'blas' && !loadFusedLstmAddon().ok) {
          if (process.env.SENTIMENT_REQUIRE_NATIVE) assert.fail('the fused-LSTM addon is required here');
          return t.skip('no fused-LSTM addon');
        }
        const r = await runTraining({
          ...DEFAULT_SETTINGS,
          dataFile: trainHead(400),
          out: join(tempDir(), 'model'),
          epochs: 1,
          batchSize: 64,
          maxWords: 500,
          embeddingDim: 8,
          units: 8,
          denseUnits: 8,
          pad,
          backend: engine,
        });
        const want = pinned[`history_${engine}_${pad}`] as Omit<EpochLog, 'seconds'>[];
        assert.equal(r.history.length, want.length);
        r.history.forEach((e, i) => {
          for (const k of ['loss', 'acc', 'val_loss', 'val_acc'] as const)
            assert.ok(Math.abs((e[k] ?? NaN) - (want[i][k] ?? NaN)) <= 1e-6, `${k}: ${e[k]} vs ${want[i][k]}`);
        });
      });
    }
  }
});
