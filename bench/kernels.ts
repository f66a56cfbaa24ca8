/**
 * `node --import tsx bench/kernels.ts`: each wasm kernel replacement against tfjs' own kernel, on
 * the shapes the model makes (ms per call, median of 5 rounds). A replacement that loses goes.
 */
import * as tf from '@tensorflow/tfjs-core';
// The chained methods (t.mul(…)): tfjs-core registers them at run time; their types live here.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { initEngine } from '../src/engine/engine.ts';
import { captureReferenceKernels } from '../test/engine/patches/reference-kernels.ts';
import { summarize } from './stats.ts';

const referenceKernels = captureReferenceKernels();
await initEngine('wasm');

function time(f: () => tf.TensorContainer, reps: number): number {
  for (let i = 0; i < 3; i++) tf.dispose(f());
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) tf.dispose(f());
    rounds.push((performance.now() - t0) / reps);
  }
  return summarize(rounds).median;
}

function compare(kernel: string, label: string, f: () => tf.TensorContainer, reps: number): void {
  const ours = tf.getKernel(kernel, 'wasm');
  const theirs = referenceKernels.get(kernel);
  if (!ours || !theirs) throw new Error(`${kernel} is not replaced`);
  const use = (k: tf.KernelConfig) => {
    tf.unregisterKernel(kernel, 'wasm');
    tf.registerKernel(k);
  };
  use(theirs);
  const before = time(f, reps);
  use(ours);
  const after = time(f, reps);
  console.log(
    `${kernel.padEnd(12)} ${label.padEnd(34)} tfjs ${before.toFixed(3).padStart(9)} ms   ours ${after.toFixed(3).padStart(8)} ms   ${(before / after).toFixed(1)}x`,
  );
}

const r = (shape: number[]) => tf.randomNormal(shape, 0, 0.5);
const [x3, big, z, w, xt] = [r([512, 53, 256]), r([2048, 1024]), r([512, 1024]), r([256, 1024]), r([27136, 256])];
const parts = [0, 1, 2, 3].map(() => r([512, 256]));
const [a, b, c, d] = [r([512, 256]), r([1024, 256]), r([2048, 256]), r([2048, 1024])];
const emb = r([8192, 256]);
const ids = tf.randomUniform([27136], 0, 8192, 'int32');
compare('BatchMatMul', 'h·Uᵀ [512x256]·[1024x256]ᵀ', () => tf.matMul(a, b, false, true), 5);
compare('BatchMatMul', 'xᵀ·dZ [2048x256]ᵀ·[2048x1024]', () => tf.matMul(c, d, true, false), 2);
compare('GatherV2', 'embedding [8192x256] by 27136 ids', () => tf.gather(emb, ids), 5);
compare('Slice', '2048 rows of [27136x256]', () => tf.slice(xt, [4096, 0], [2048, 256]), 20);
compare('SplitV', 'gates: [512x1024] in 4', () => tf.split(z, 4, 1), 50);
compare('Concat', 'gate gradients: 4x[512x256]', () => tf.concat(parts, 1), 50);
compare('Unpack', 'steps: [512x4x256] along axis 1', () => tf.unstack(x3.slice([0, 0, 0], [512, 4, 256]), 1), 20);
compare('Transpose', 'a weight: [256x1024]', () => tf.transpose(w), 20);
compare('Sum', 'bias gradient: [2048x1024] axis 0', () => tf.sum(big, 0), 10);
compare('Identity', 'a saved tensor: [512x53x256]', () => tf.clone(x3), 10);
compare('Tanh', 'a gate: [512x256]', () => tf.tanh(a), 50);
