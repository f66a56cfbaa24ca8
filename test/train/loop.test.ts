import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { prepareTrainingData } from '../../src/data/prepare.ts';
import { withSeededMathRandom } from '../../src/data/random.ts';
import { splitRows } from '../../src/data/split.ts';
import { readLabelled } from '../../src/data/labels.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { bestEpoch, type EpochLog } from '../../src/model/history.ts';
import { DivergedError } from '../../src/errors.ts';
import { epochBatches, trainModel, type TrainOptions } from '../../src/train/loop.ts';
import { speedLayer, trainHead } from '../helpers.ts';

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
      const model = buildModel(
        TINY,
        { numClasses: 5, inputLength: batching === 'max' ? data.maxLen : null },
        await speedLayer(),
      );
      const opts: TrainOptions = {
        epochs,
        batchSize: 64,
        split: splitRows(data.sequences.length, 0.1),
        batching,
        maxLen: data.maxLen,
        numClasses: 5,
        seed,
        monitor: 'val_acc',
        earlyStop: null,
      };
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

  it('stops on weights that are no longer numbers (the clipped loss hides them), naming the epochs done', async () => {
    const model = buildModel(TINY, { numClasses: 5, inputLength: null }, await speedLayer());
    const opts: TrainOptions = {
      epochs: 3,
      batchSize: 64,
      split: splitRows(data.sequences.length, 0.1),
      batching: 'group',
      maxLen: data.maxLen,
      numClasses: 5,
      seed: 1,
      monitor: 'val_acc',
      earlyStop: null,
    };
    const done: number[] = [];
    // After epoch 1, an overflow: what a learning rate of 1e30 does to the embedding.
    const poison = (log: EpochLog) => {
      done.push(log.epoch);
      const w = model.layers[0].getWeights()[0];
      model.layers[0].setWeights([tf.fill(w.shape, Infinity)]);
    };
    try {
      await assert.rejects(trainModel(model, data, opts, { onEpochEnd: poison }), (err: Error) => {
        assert.ok(err instanceof DivergedError, String(err));
        assert.equal(err.epoch, 2);
        assert.equal(err.completedEpochs, 1);
        assert.match(
          err.message,
          /training diverged in epoch 2: the (loss became NaN at batch 1|weight \S+ is no longer a finite number)/,
        );
        return true;
      });
      assert.deepEqual(done, [1], 'the diverged epoch never reaches onEpochEnd (no checkpoint of it)');
    } finally {
      model.dispose();
    }
  });

  it('shuffles the rows anew every epoch, the same way for the same seed and epoch', () => {
    const rows = splitRows(data.sequences.length, 0.1).trainRows;
    const order = (seed: number, epoch: number, batching: 'mix' | 'group' | 'max' = 'mix') =>
      epochBatches(data.sequences, rows, { batching, batchSize: 64, maxLen: data.maxLen, seed }, epoch)
        .flatMap((b) => Array.from(b.rows))
        .join(',');
    for (const batching of ['mix', 'group', 'max'] as const) {
      assert.notEqual(order(7, 1, batching), order(7, 2, batching), `${batching}: epoch 2 is not epoch 1 again`);
      assert.equal(order(7, 3, batching), order(7, 3, batching));
      assert.notEqual(order(7, 1, batching), order(8, 1, batching), `${batching}: the seed matters`);
      assert.deepEqual(
        order(7, 2, batching)
          .split(',')
          .map(Number)
          .sort((a, b) => a - b),
        Array.from(rows),
        `${batching}: every training row once`,
      );
    }
  });

  it('repeats exactly for the same seed', async () => {
    const a = await run('group', 1, 11);
    const b = await run('group', 1, 11);
    assert.equal(a[0].loss, b[0].loss);
    assert.equal(a[0].val_loss, b[0].val_loss);
  });
});
