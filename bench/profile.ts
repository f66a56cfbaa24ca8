/** `node --import tsx bench/profile.ts [steps] [batch]`: where a training step's time goes, by kernel. */
import * as tf from '../src/engine/tf.ts';
import { startEngine } from '../src/engine/engine.ts';
import { NUM_CLASSES } from '../src/data/labels.ts';
import { buildModel } from '../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../src/settings.ts';
import { stepBatch } from './step.ts';

const steps = Number(process.argv[2] ?? 53);
const batch = Number(process.argv[3] ?? 512);
// The engine as `train` starts it (plain wasm with a thread per core).
const { speed } = await startEngine((process.env.SENTIMENT_BACKEND as 'wasm' | undefined) ?? 'wasm', { work: 'train' });
const model = buildModel(DEFAULT_SETTINGS, { numClasses: NUM_CLASSES, inputLength: null }, speed);
const { x, y } = stepBatch({ batch, steps });
await model.trainOnBatch(x, y);
const t0 = performance.now();
const info = await tf.profile(async () => {
  await model.trainOnBatch(x, y);
});
const wall = performance.now() - t0;
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const key = `${k.name} ${k.inputShapes.map((s) => `[${s?.join('x')}]`).join(' ')}`;
  const e = byKernel.get(key) ?? { ms: 0, calls: 0 };
  e.ms += k.kernelTimeMs as number;
  e.calls += 1;
  byKernel.set(key, e);
}
const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
console.log(
  `step ${batch}x${steps}: ${(wall / 1000).toFixed(2)} s wall under the profiler, kernels ${(total / 1000).toFixed(2)} s, ${info.kernels.length} kernel calls`,
);
for (const [k, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
  console.log(`${e.ms.toFixed(0).padStart(7)} ms ${String(e.calls).padStart(5)}×  ${k}`);
}
