import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { prepareTrainingData } from '../../src/data/prepare.ts';
import { readLabelled } from '../../src/data/labels.ts';
import { withSeededMathRandom } from '../../src/data/random.ts';
import { splitRows } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { trainModel, type TrainData } from '../../src/train/loop.ts';
import { batchTargets, checkSoftTargets, type SoftTargets } from '../../src/train/targets.ts';
import { speedLayer, trainHead } from '../helpers.ts';

const batch = { rows: Int32Array.of(2, 0), length: 1 };
const labels = [1, 0, 2];
// Three rows' teacher probabilities over three classes.
const probabilities = Float32Array.of(0.2, 0.3, 0.5, 0.9, 0.05, 0.05, 0.1, 0.1, 0.8);
const soft = (weight: number, temperature = 1): SoftTargets => ({ probabilities, weight, temperature });
const close = (a: ArrayLike<number>, b: number[]) =>
  assert.ok(
    Array.from(a).every((v, i) => Math.abs(v - b[i]) < 1e-6),
    `${Array.from(a)} vs ${b}`,
  );

describe('training targets (src/train/targets.ts)', () => {
  it('one-hot without a teacher, smoothed as Keras smooths', () => {
    close(batchTargets(labels, batch, 3), [0, 0, 1, 0, 1, 0]);
    close(batchTargets(labels, batch, 3, 0.3), [0.1, 0.1, 0.8, 0.1, 0.8, 0.1]);
    close(batchTargets(labels, batch, 3, 0, soft(0)), [0, 0, 1, 0, 1, 0]);
  });

  it("the teacher's probabilities of the batch's rows, in its order; mixed with the labels by weight", () => {
    close(batchTargets(labels, batch, 3, 0, soft(1)), [0.1, 0.1, 0.8, 0.2, 0.3, 0.5]);
    close(batchTargets(labels, batch, 3, 0, soft(0.25)), [0.025, 0.025, 0.95, 0.05, 0.825, 0.125]);
  });

  it('refuses a teacher it cannot train on, naming what', () => {
    const rows = 3;
    assert.throws(() => checkSoftTargets(soft(1.5), rows, 3), { name: 'SettingError', message: /distilWeight/ });
    assert.throws(() => checkSoftTargets(soft(1, 0), rows, 3), { name: 'SettingError', message: /temperature/ });
    assert.throws(() => checkSoftTargets(soft(1), 4, 3), { name: 'SettingError', message: /4 rows × 3 classes/ });
    const nan = { ...soft(1), probabilities: Float32Array.of(Number.NaN, 0, 1, 0, 0, 1, 0, 0, 1) };
    assert.throws(() => checkSoftTargets(nan, rows, 3), { name: 'SettingError', message: /probabilities/ });
    assert.doesNotThrow(() => checkSoftTargets(soft(0.5, 2), rows, 3));
  });

  it('a temperature raises each probability to 1/T and renormalises', () => {
    const root = [0.2, 0.3, 0.5].map(Math.sqrt);
    const sum = root.reduce((a, b) => a + b);
    const rootC = [0.1, 0.1, 0.8].map(Math.sqrt);
    const sumC = rootC.reduce((a, b) => a + b);
    close(batchTargets(labels, batch, 3, 0, soft(1, 2)), [...rootC.map((v) => v / sumC), ...root.map((v) => v / sum)]);
    // A zero stays (almost) zero however cold, and never turns into NaN.
    const hard = { probabilities: Float32Array.of(0, 1, 0, 0, 1, 0, 0, 1, 0), weight: 1, temperature: 0.5 };
    close(batchTargets(labels, batch, 3, 0, hard), [0, 1, 0, 0, 1, 0]);
  });
});

describe('training towards a teacher (src/train/loop.ts)', () => {
  let data: TrainData & { maxLen: number };
  before(async () => {
    await initEngine('wasm');
    const table = await readLabelled(trainHead(300));
    data = prepareTrainingData(table.texts, table.index, { maxWords: 300 });
  });

  const train = (soft?: SoftTargets) =>
    withSeededMathRandom(3, async () => {
      const settings = {
        ...DEFAULT_SETTINGS,
        maxWords: 300,
        embeddingDim: 8,
        units: 8,
        denseUnits: 8,
        learningRate: 0.02,
      };
      const model = buildModel(settings, { numClasses: 5, inputLength: null }, await speedLayer());
      try {
        const split = splitRows(data.sequences.length, 0.1);
        const { history } = await trainModel(
          model,
          { ...data, soft },
          {
            epochs: 3,
            batchSize: 32,
            split,
            batching: 'group',
            maxLen: data.maxLen,
            numClasses: 5,
            seed: 3,
            monitor: 'val_acc',
            earlyStop: null,
          },
        );
        return history;
      } finally {
        model.dispose();
      }
    });

  it('the loss is taken against the teacher: a teacher that answers uniform holds every epoch at ln 5 or above', async () => {
    const uniform: SoftTargets = {
      probabilities: new Float32Array(data.sequences.length * 5).fill(0.2),
      weight: 1,
      temperature: 1,
    };
    const taught = await train(uniform);
    const labelled = await train();
    for (const e of taught) assert.ok(e.loss >= Math.log(5) - 1e-4, `epoch ${e.epoch}: loss ${e.loss}`);
    // The labels alone are learnable: the same run on them goes below ln 5.
    assert.ok(labelled[2].loss < Math.log(5) - 0.05, `labels alone: ${labelled[2].loss}`);
    // Validation still scores the labels: both runs report a val_loss against them.
    assert.ok(taught.every((e) => e.val_loss !== null));
  });
});
