import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { prepareTrainingData } from '../../src/data/prepare.ts';
import { readLabelled } from '../../src/data/labels.ts';
import { withSeededMathRandom } from '../../src/data/random.ts';
import { splitRows } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/engine.ts';
import * as tf from '../../src/engine/tf.ts';
import { buildModel } from '../../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { trainModel, type TrainData } from '../../src/train/loop.ts';
import {
  batchTargets,
  checkSoftTargets,
  distillationLoss,
  distillationTargets,
  isTempered,
  type SoftTargets,
} from '../../src/train/targets.ts';
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
    assert.throws(() => checkSoftTargets(soft(1, 1e20), rows, 3), {
      name: 'SettingError',
      message: /temperature.*100/,
    });
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

describe('the distillation loss at a temperature (src/train/targets.ts)', () => {
  before(() => initEngine('wasm'));
  // The student's probabilities for the batch's two rows (rows 2 and 0).
  const student = [0.6, 0.3, 0.1, 0.25, 0.5, 0.25];
  const lossOf = (p: number[], weight: number, temperature: number, smoothing = 0) => {
    const apart = distillationTargets(labels, batch, 3, smoothing, soft(weight, temperature));
    return tf.tidy(() =>
      Array.from(
        distillationLoss(
          tf.tensor2d(p, [2, 3]),
          { labels: tf.tensor2d(apart.labels, [2, 3]), teacher: tf.tensor2d(apart.teacher, [2, 3]) },
          weight,
          temperature,
        ).dataSync(),
      ),
    );
  };
  const entropy = (t: number[], q: number[]) => -t.reduce((s, ti, j) => s + ti * Math.log(q[j]), 0);
  const atT = (q: number[], t: number) => {
    const r = q.map((v) => v ** (1 / t));
    const sum = r.reduce((a, b) => a + b);
    return r.map((v) => v / sum);
  };

  it('at temperature 1 it is the cross-entropy against the mixed target, smoothed or not', () => {
    assert.equal(isTempered(soft(0.8)), false);
    for (const smoothing of [0, 0.1]) {
      const mixed = batchTargets(labels, batch, 3, smoothing, soft(0.8));
      const want = [0, 1].map((i) =>
        entropy(Array.from(mixed.subarray(i * 3, i * 3 + 3)), student.slice(i * 3, i * 3 + 3)),
      );
      close(lossOf(student, 0.8, 1, smoothing), want);
    }
  });

  it("above 1 both sides are softened and the soft term weighs T²: Hinton et al.'s loss", () => {
    assert.equal(isTempered(soft(0.8, 3)), true);
    assert.equal(isTempered(soft(0, 3)), false, 'no teacher share: the labels alone');
    const teacherRows = [
      [0.1, 0.1, 0.8],
      [0.2, 0.3, 0.5],
    ];
    const oneHot = [
      [0, 0, 1],
      [0, 1, 0],
    ];
    const want = [0, 1].map((i) => {
      const p = student.slice(i * 3, i * 3 + 3);
      return 0.8 * 9 * entropy(atT(teacherRows[i], 3), atT(p, 3)) + 0.2 * entropy(oneHot[i], p);
    });
    const got = lossOf(student, 0.8, 3);
    assert.ok(
      got.every((v, i) => Math.abs(v - want[i]) < 1e-4),
      `${got} vs ${want}`,
    );
  });

  it("a student that answers as the teacher is where the soft term's gradient vanishes, at any temperature", () => {
    const teacherRows = [0.1, 0.1, 0.8, 0.2, 0.3, 0.5];
    for (const temperature of [1, 2, 5]) {
      const apart = distillationTargets(labels, batch, 3, 0, soft(1, temperature));
      const gradAt = (logits: number[]) =>
        tf.tidy(() => {
          const g = tf.grad((z: tf.Tensor) =>
            tf.sum(
              distillationLoss(
                tf.softmax(z),
                { labels: tf.tensor2d(apart.labels, [2, 3]), teacher: tf.tensor2d(apart.teacher, [2, 3]) },
                1,
                temperature,
              ),
            ),
          );
          return Array.from(g(tf.tensor2d(logits, [2, 3])).dataSync());
        });
      const atTeacher = gradAt(teacherRows.map(Math.log));
      assert.ok(
        atTeacher.every((v) => Math.abs(v) < 1e-4),
        `T ${temperature}: ${atTeacher}`,
      );
      const elsewhere = gradAt(student.map(Math.log));
      assert.ok(
        elsewhere.some((v) => Math.abs(v) > 1e-2),
        `T ${temperature}: ${elsewhere}`,
      );
    }
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

  it('at a temperature the loop trains on the tempered loss: a uniform teacher holds it at T² ln 5 or above', async () => {
    const uniform: SoftTargets = {
      probabilities: new Float32Array(data.sequences.length * 5).fill(0.2),
      weight: 1,
      temperature: 3,
    };
    const taught = await train(uniform);
    for (const e of taught) assert.ok(e.loss >= 9 * Math.log(5) - 1e-3, `epoch ${e.epoch}: loss ${e.loss}`);
    assert.ok(taught.every((e) => Number.isFinite(e.val_loss ?? Number.NaN)));
  });
});
