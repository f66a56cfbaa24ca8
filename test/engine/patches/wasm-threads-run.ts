/**
 * Child process of wasm-threads.test.ts: starts the plain wasm engine for the work named (its threads follow),
 * trains three seeded steps and prints the engine line, the threads and a hash of the weights.
 * It ends without process.exit: the thread pool must not keep a process alive.
 */
import { createHash } from 'node:crypto';
import { initEngine, type EngineWork } from '../../../src/engine/engine.ts';
import { wasmThreads } from '../../../src/engine/patches/wasm-threads.ts';
import * as tf from '../../../src/engine/tf.ts';
import { withSeededMathRandom } from '../../../src/data/random.ts';
import { buildModel } from '../../../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../../../src/settings.ts';
import { speedLayer } from '../../helpers.ts';

const info = await initEngine('wasm', { work: process.argv[2] as EngineWork });
const result = await withSeededMathRandom('threads', async () => {
  // Wide enough that XNNPACK splits the products among threads.
  const model = buildModel(
    { ...DEFAULT_SETTINGS, embeddingDim: 64, units: 64, denseUnits: 64 },
    { numClasses: 5, inputLength: null },
    await speedLayer(),
  );
  const losses: (number | number[])[] = [];
  for (let i = 0; i < 3; i++) {
    const x = tf.tensor2d(
      Int32Array.from({ length: 128 * 12 }, (_, k) => (k * 7919 + i * 104729) % DEFAULT_SETTINGS.maxWords),
      [128, 12],
      'int32',
    );
    const y = tf.oneHot(
      tf.tensor1d(
        Int32Array.from({ length: 128 }, (_, k) => (k + i) % 5),
        'int32',
      ),
      5,
    );
    losses.push(await model.trainOnBatch(x, y));
  }
  const hash = createHash('sha256');
  for (const w of model.getWeights()) hash.update(new Uint8Array((w.dataSync() as Float32Array).buffer));
  return { losses, weights: hash.digest('hex') };
});
process.stdout.write(`${JSON.stringify({ summary: info.summary, threads: wasmThreads(), ...result })}\n`);
