import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '../../../src/engine/tf.ts';
import { initEngine, startEngine } from '../../../src/engine/engine.ts';
import { loadFusedLstmAddon } from '../../../src/engine/native-addon.ts';
import type { SpeedLayer } from '../../../src/engine/speed-layer.ts';
import { groupLength } from '../../../src/data/batches.ts';
import { padSequence } from '../../../src/data/padding.ts';
import { buildBiLstm } from '../../../src/model/bilstm.ts';
import { nativeLstmCalls } from '../../../src/model/lstm/kernels.ts';
import { FusedLSTM, useSpeedLayer } from '../../../src/model/lstm/layer.ts';
import { prefixTreeScorer } from '../../../src/model/lstm/prefix-scoring.ts';
import { buildModel } from '../../../src/model/recipe.ts';
import { FOREST_ROWS, predictRows } from '../../../src/model/recurrent-member.ts';
import { DEFAULT_SETTINGS } from '../../../src/settings.ts';
import { needAddon } from '../../helpers.ts';

const load = loadFusedLstmAddon();

/** Phrases as the Kaggle data has them: sub-phrases of a few sentences, so many share their start. */
function phrases(count: number, vocab: number): number[][] {
  const out: number[][] = [];
  for (let s = 0; out.length < count; s++) {
    const sentence = Array.from({ length: 4 + (s % 20) }, (_, t) => (s * 31 + t * 17) % vocab);
    for (let a = 0; a < sentence.length && out.length < count; a += 2)
      for (let b = a + 1; b <= sentence.length && out.length < count; b += 3) out.push(sentence.slice(a, b));
  }
  out.push([]);
  return out;
}

/** Each sequence alone through the layers model, fed as predictRows feeds it: the reference. */
function oneByOne(model: tf.LayersModel, seqs: number[][], maxLen: number, batching: 'group' | 'max'): Float32Array[] {
  return seqs.map((s) =>
    tf.tidy(() => {
      const fed = padSequence(s, { maxLen: batching === 'max' ? maxLen : groupLength(s, maxLen) });
      return (model.predictOnBatch(tf.tensor2d(fed, [1, fed.length], 'int32')) as tf.Tensor).dataSync() as Float32Array;
    }),
  );
}

describe('scoring over prefix forests (blas engine)', () => {
  /** What the blas engine hands the models it runs. */
  let speed: SpeedLayer | null = null;
  before(async () => {
    if (load.ok) speed = (await startEngine('blas')).speed;
  });
  after(async () => {
    await initEngine('wasm');
  });

  for (const batching of ['group', 'max'] as const) {
    for (const gate of ['hardSigmoid', 'sigmoid'] as const) {
      it(`gives every phrase the LSTM output the layers path gives it alone (${batching}, ${gate})`, (t) => {
        if (!needAddon(t)) return;
        const maxLen = 12;
        // The LSTM as the model's last layer: the scorer's output is its output.
        const model = tf.sequential({
          layers: [
            tf.layers.embedding({
              inputDim: 60,
              outputDim: 16,
              batchInputShape: [null, batching === 'max' ? maxLen : null],
            }),
            tf.layers.spatialDropout1d({ rate: 0.3 }),
            new FusedLSTM({ units: 24, recurrentActivation: gate, unitForgetBias: true }),
          ],
        });
        useSpeedLayer(model, speed);
        const seqs = phrases(300, 60);
        const before = nativeLstmCalls().tree;
        const got = predictRows(model, seqs, Int32Array.from(seqs.keys()), { maxLen, batching, batchSize: 64 });
        assert.ok(nativeLstmCalls().tree > before, 'scored over a prefix forest');
        const want = oneByOne(model, seqs, maxLen, batching);
        // The same formula and order of sums; OpenBLAS' edge kernels may round a row's last bit by its
        // place in the product, as they do between the layers path's own batches.
        want.forEach((h, i) =>
          h.forEach((v, k) =>
            assert.ok(
              Math.abs(got[i * 24 + k] - v) <= 1e-6,
              `row ${i} [${seqs[i]}] unit ${k}: ${got[i * 24 + k]} vs ${v}`,
            ),
          ),
        );
        model.dispose();
      });
    }

    it(`gives the recipe's probabilities of the layers path (${batching})`, (t) => {
      if (!needAddon(t)) return;
      const maxLen = 12;
      const model = buildModel(
        { ...DEFAULT_SETTINGS, maxWords: 60, embeddingDim: 16, units: 24, denseUnits: 8 },
        { numClasses: 5, inputLength: batching === 'max' ? maxLen : null },
        speed,
      );
      const seqs = phrases(300, 60);
      const got = predictRows(model, seqs, Int32Array.from(seqs.keys()), { maxLen, batching, batchSize: 64 });
      // The Dense head's products round by batch size in the last bit, on the layers path too.
      oneByOne(model, seqs, maxLen, batching).forEach((p, i) =>
        p.forEach((v, k) => assert.ok(Math.abs(got[i * 5 + k] - v) < 1e-6, `row ${i} class ${k}`)),
      );
      model.dispose();
    });
  }

  it('makes its scorer once per weights: new weights (a training step) are scored as the layers path scores them', (t) => {
    if (!needAddon(t)) return;
    const model = buildModel(
      { ...DEFAULT_SETTINGS, maxWords: 30, embeddingDim: 4, units: 4, denseUnits: 4 },
      { numClasses: 3, inputLength: null },
      speed,
    );
    const seqs = phrases(50, 30);
    const rows = Int32Array.from(seqs.keys());
    const score = () => predictRows(model, seqs, rows, { maxLen: 20, batching: 'group', batchSize: 64 });
    const first = score();
    assert.deepEqual(score(), first, 'the same weights, the same answers');
    const embedding = model.layers[0];
    const [table] = embedding.getWeights();
    embedding.setWeights([tf.tidy(() => table.mul(2))]);
    const again = score();
    assert.notDeepEqual(again, first);
    oneByOne(model, seqs, 20, 'group').forEach((p, i) =>
      p.forEach((v, k) => assert.ok(Math.abs(again[i * 3 + k] - v) < 1e-6, `row ${i} class ${k}`)),
    );
    model.dispose();
  });

  it('splits a long list into forests of FOREST_ROWS rows and keeps the order', (t) => {
    if (!needAddon(t)) return;
    const model = buildModel(
      { ...DEFAULT_SETTINGS, maxWords: 30, embeddingDim: 4, units: 4, denseUnits: 4 },
      { numClasses: 3, inputLength: null },
      speed,
    );
    const seqs = phrases(FOREST_ROWS + 10, 30);
    const rows = Int32Array.from(seqs.keys()).reverse();
    const before = nativeLstmCalls().tree;
    const got = predictRows(model, seqs, rows, { maxLen: 20, batching: 'group', batchSize: 512 });
    assert.equal(nativeLstmCalls().tree - before, 2);
    const last = oneByOne(model, [seqs[rows[rows.length - 1]]], 20, 'group')[0];
    assert.deepEqual(Array.from(got.subarray(got.length - 3)), Array.from(last));
    model.dispose();
  });

  for (const [pooling, bidirectional] of [
    ['max-mean', true],
    ['last', true],
    ['max-mean', false],
  ] as const) {
    it(`scores the member on vectors as the layers path does (${bidirectional ? 'bidirectional' : 'forward only'}, ${pooling})`, (t) => {
      if (!needAddon(t)) return;
      const model = buildBiLstm(
        { rows: 60, dims: 12, units: 10, bidirectional, pooling, numClasses: 5, learningRate: 0.01 },
        null,
        speed,
      );
      const seqs = phrases(200, 60);
      const before = nativeLstmCalls().tree;
      const got = predictRows(model, seqs, Int32Array.from(seqs.keys()), {
        maxLen: 30,
        batching: 'group',
        batchSize: 64,
      });
      assert.equal(nativeLstmCalls().tree - before, bidirectional ? 2 : 1, 'one forest per direction');
      oneByOne(model, seqs, 30, 'group').forEach((p, i) =>
        p.forEach((v, k) =>
          assert.ok(Math.abs(got[i * 5 + k] - v) < 1e-6, `row ${i} [${seqs[i]}] class ${k}: ${got[i * 5 + k]} vs ${v}`),
        ),
      );
      model.dispose();
    });
  }

  it('leaves models it does not cover to the layers path: a masked embedding, and engines without the kernel', async (t) => {
    if (!needAddon(t)) return;
    const masked = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 20, outputDim: 4, maskZero: true, batchInputShape: [null, null] }),
        new FusedLSTM({ units: 4 }),
      ],
    });
    useSpeedLayer(masked, speed);
    assert.equal(prefixTreeScorer(masked), null);
    masked.dispose();
    const model = buildModel(
      { ...DEFAULT_SETTINGS, maxWords: 30, embeddingDim: 4, units: 4, denseUnits: 4 },
      { numClasses: 5, inputLength: null },
      speed,
    );
    assert.notEqual(prefixTreeScorer(model), null);
    useSpeedLayer(model, (await startEngine('wasm')).speed);
    assert.equal(prefixTreeScorer(model), null);
    useSpeedLayer(model, null);
    assert.equal(prefixTreeScorer(model), null);
    await startEngine('blas');
    model.dispose();
  });
});
