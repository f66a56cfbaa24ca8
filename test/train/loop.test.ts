import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { prepareTrainingData } from '../../src/data/prepare.ts';
import { withSeededMathRandom } from '../../src/data/random.ts';
import { splitRows } from '../../src/data/split.ts';
import { readLabelled } from '../../src/data/labels.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { bestEpoch, type EpochLog } from '../../src/model/history.ts';
import { trainModel, type TrainOptions } from '../../src/train/loop.ts';
import { trainHead } from '../helpers.ts';

const TINY = { ...DEFAULT_SETTINGS, maxWords: 500, embeddingDim: 16, units: 16, denseUnits: 16, learningRate: 0.01 };

describe('training loop', () => {
  let data: ReturnType<typeof prepareTrainingData>;
  before(async () => {
    await initEngine('wasm');
    const table = await readLabelled(trainHead(400));
    data = prepareTrainingData(table.texts, table.index, { maxWords: TINY.maxWords });
  });

  const run = (batching: 'group' | 'max', epochs: number, seed = 7, onEpoch?: (log: EpochLog) => void) =>
    withSeededMathRandom(seed, async () => {
      const model = buildModel(TINY, { numClasses: 5, inputLength: batching === 'max' ? data.maxLen : null });
      const opts: TrainOptions = { epochs, batchSize: 64, split: splitRows(data.sequences.length, 0.1), batching, maxLen: data.maxLen, numClasses: 5, seed, monitor: 'val_acc', earlyStop: null };
      try {
        return (await trainModel(model, data, opts, { onEpochEnd: onEpoch })).history;
      } finally {
        model.dispose();
      }
    });

  it('lowers the loss over a few epochs on a few hundred real rows (grouped batches)', async () => {
    const counts: number[] = [];
    const history = await run('group', 4, 7, () => counts.push(tf.memory().numTensors));
    assert.equal(history.length, 4);
    assert.ok(history[3].loss < history[0].loss, `loss ${history.map((h) => h.loss.toFixed(3)).join(' → ')}`);
    for (const h of history) {
      assert.ok(h.val_acc !== null && h.val_acc >= 0 && h.val_acc <= 1);
      assert.ok(h.seconds > 0);
    }
    assert.equal(new Set(counts).size, 1, `tensors after each epoch: ${counts.join(', ')}`);
    assert.equal(bestEpoch(history)?.val_acc, Math.max(...history.map((h) => h.val_acc ?? 0)));
  });

  it("trains with the seed's padded batches too", async () => {
    const history = await run('max', 3);
    assert.ok(history[2].loss < history[0].loss);
  });

  it('repeats exactly for the same seed', async () => {
    const a = await run('group', 1, 11);
    const b = await run('group', 1, 11);
    assert.equal(a[0].loss, b[0].loss);
    assert.equal(a[0].val_loss, b[0].val_loss);
  });
});
