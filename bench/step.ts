/** Time of one training step (trainOnBatch) of the seed's model at a given batch shape. */
import * as tf from '../src/engine/tf.ts';
import { makeRng, withSeededMathRandom } from '../src/data/random.ts';
import { NUM_CLASSES } from '../src/data/labels.ts';
import { startEngine } from '../src/engine/engine.ts';
import { buildModel } from '../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../src/settings.ts';
import { repeat, type Sample } from './stats.ts';

export interface StepShape {
  batch: number;
  steps: number;
}

export function stepBatch(shape: StepShape, seed = 1): { x: tf.Tensor; y: tf.Tensor } {
  const rng = makeRng(`bench:${seed}`);
  const ids = Int32Array.from({ length: shape.batch * shape.steps }, () =>
    Math.floor(rng() * DEFAULT_SETTINGS.maxWords),
  );
  const labels = Int32Array.from({ length: shape.batch }, () => Math.floor(rng() * NUM_CLASSES));
  return {
    x: tf.tensor2d(ids, [shape.batch, shape.steps], 'int32'),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), NUM_CLASSES),
  };
}

/** Median of `runs` steps after `warmup` steps (the first step at a new shape is slower). */
export async function benchStep(shape: StepShape, runs: number, warmup = 1): Promise<Sample> {
  return withSeededMathRandom('bench', async () => {
    const { speed } = await startEngine('auto');
    const model = buildModel(DEFAULT_SETTINGS, { numClasses: NUM_CLASSES, inputLength: null }, speed);
    const { x, y } = stepBatch(shape);
    try {
      for (let i = 0; i < warmup; i++) await model.trainOnBatch(x, y);
      return await repeat(runs, async () => {
        const t = performance.now();
        await model.trainOnBatch(x, y);
        return (performance.now() - t) / 1000;
      });
    } finally {
      x.dispose();
      y.dispose();
      model.dispose();
    }
  });
}
