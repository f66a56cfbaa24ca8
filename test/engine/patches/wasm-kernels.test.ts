import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
// The chained methods (t.mul(…)): tfjs-core registers them at run time; their types live here.
// tfjs' own kernels, the reference these are compared with.
import '@tensorflow/tfjs-backend-cpu';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { makeRng } from '../../../src/data/random.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { wroteInPlace } from '../../../src/engine/written-in-place.ts';
import { captureReferenceKernels, REPLACED } from './reference-kernels.ts';

const referenceKernels = captureReferenceKernels();

const rng = makeRng('kernels');
const rand = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1),
    shape,
  );

/** Runs `f` on the cpu backend (tfjs' reference kernels) and on wasm with the fixes, and compares. */
async function sameOnCpu(f: () => tf.Tensor | tf.Tensor[], tol = 1e-5): Promise<void> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) }));
    tf.dispose(list);
    return values;
  };
  const expected = await run('cpu');
  const actual = await run('wasm');
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    assert.deepEqual(a.shape, expected[i].shape);
    a.data.forEach((v, j) =>
      assert.ok(
        Math.abs(v - expected[i].data[j]) <= tol * (1 + Math.abs(expected[i].data[j])),
        `output ${i}[${j}]: ${v} vs ${expected[i].data[j]}`,
      ),
    );
  });
}

describe('wasm kernel fixes', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('registers UnsortedSegmentSum and replaces the slow kernels', () => {
    assert.ok(tf.getKernel('UnsortedSegmentSum', 'wasm'));
    for (const k of REPLACED) {
      assert.ok(referenceKernels.has(k), `tfjs has ${k}`);
      assert.notEqual(tf.getKernel(k, 'wasm')?.kernelFunc, referenceKernels.get(k)?.kernelFunc, `${k} is replaced`);
    }
  });

  it('UnsortedSegmentSum matches the reference, dropping negative and out-of-range ids', async () => {
    for (const [shape, ids, n] of [
      [[6, 3], [0, 2, 2, -1, 5, 1], 3],
      [[4], [1, 1, 0, 3], 4],
      [[5, 2, 2], [4, 0, 4, 7, 2], 5],
    ] as [number[], number[], number][]) {
      const x = rand(shape);
      await sameOnCpu(() => tf.unsortedSegmentSum(x, tf.tensor1d(ids, 'int32'), n));
    }
  });

  it('BatchMatMul and fused matMul match with every transpose, batch dims and broadcasting', async () => {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      for (const [batchA, batchB] of [
        [[], []],
        [[3], [3]],
        [
          [2, 3],
          [1, 3],
        ],
        [[1], [4]],
      ]) {
        const a = rand([...batchA, ...(ta ? [7, 5] : [5, 7])]);
        const b = rand([...batchB, ...(tb ? [6, 7] : [7, 6])]);
        await sameOnCpu(() => tf.matMul(a, b, ta, tb));
      }
      const a2 = rand(ta ? [7, 5] : [5, 7]);
      const b2 = rand(tb ? [6, 7] : [7, 6]);
      const bias = rand([6]);
      await sameOnCpu(() =>
        tf.fused.matMul({ a: a2, b: b2, transposeA: ta, transposeB: tb, bias, activation: 'relu' }),
      );
    }
  });

  it('Unpack, SplitV, GatherV2 and Transpose match on every axis', async () => {
    const x = rand([3, 4, 5]);
    for (const axis of [0, 1, 2, -1]) await sameOnCpu(() => tf.unstack(x, axis));
    for (const axis of [0, 1, 2])
      await sameOnCpu(() => tf.split(x, axis === 1 ? [1, 3] : axis === 2 ? [2, 2, 1] : 3, axis));
    await sameOnCpu(() => tf.split(x, [2, -1], 2));
    for (const axis of [0, 1, 2]) await sameOnCpu(() => tf.gather(x, tf.tensor1d([2, 0, 2], 'int32'), axis));
    await sameOnCpu(() =>
      tf.gather(
        x,
        tf.tensor2d(
          [
            [1, 0],
            [2, 2],
          ],
          [2, 2],
          'int32',
        ),
        0,
      ),
    );
    for (const perm of [
      [0, 1, 2],
      [0, 2, 1],
      [2, 1, 0],
      [1, 0, 2],
    ])
      await sameOnCpu(() => tf.transpose(x, perm));
    const x4 = rand([2, 3, 4, 5]);
    for (const perm of [
      [1, 0, 2, 3],
      [2, 0, 1, 3],
      [1, 2, 0, 3],
      [0, 2, 1, 3],
      [1, 0, 3, 2],
      [3, 2, 1, 0],
    ])
      await sameOnCpu(() => tf.transpose(x4, perm));
    const wide = rand([37, 70]);
    await sameOnCpu(() => tf.transpose(wide));
  });

  it('Concat matches on every axis, for float and int tensors, with empty parts', async () => {
    const parts = [rand([2, 3, 4]), rand([2, 3, 4]), rand([2, 3, 4])];
    for (const axis of [0, 1, 2, -1]) await sameOnCpu(() => tf.concat(parts, axis));
    const uneven = [rand([4, 2]), rand([4, 5]), rand([4, 1])];
    await sameOnCpu(() => tf.concat(uneven, 1));
    const withEmpty = [rand([3, 2]), tf.zeros([0, 2]), rand([1, 2])];
    await sameOnCpu(() => tf.concat(withEmpty, 0));
    const ints = [tf.tensor1d([1, 2], 'int32'), tf.tensor1d([7], 'int32')];
    await sameOnCpu(() => tf.concat(ints));
  });

  it('Slice matches for row blocks, inner ranges and every rank', async () => {
    const m = rand([12, 8]);
    for (const [begin, size] of [
      [
        [3, 0],
        [4, 8],
      ],
      [
        [0, 2],
        [12, 3],
      ],
      [
        [5, 1],
        [2, 6],
      ],
      [
        [0, 0],
        [-1, -1],
      ],
      [
        [11, 7],
        [1, 1],
      ],
    ] as [number[], number[]][]) {
      await sameOnCpu(() => tf.slice(m, begin, size));
    }
    const x = rand([3, 4, 5]);
    for (const [begin, size] of [
      [
        [1, 0, 0],
        [2, 4, 5],
      ],
      [
        [0, 1, 0],
        [3, 2, 5],
      ],
      [
        [1, 2, 3],
        [2, 2, 2],
      ],
      [
        [0, 0, 4],
        [3, 4, 1],
      ],
    ] as [number[], number[]][]) {
      await sameOnCpu(() => tf.slice(x, begin, size));
    }
    const v = tf.tensor1d([1, 2, 3, 4, 5], 'int32');
    await sameOnCpu(() => tf.slice(v, 1, 3));
  });

  it('Sum matches for leading, trailing, middle and all axes, with and without keepDims', async () => {
    const x = rand([6, 5, 4]);
    for (const axis of [0, [0, 1], 1, 2, [1, 2], [0, 2], [0, 1, 2], -1]) {
      for (const keepDims of [false, true]) await sameOnCpu(() => tf.sum(x, axis, keepDims));
    }
    const tall = rand([512, 64]);
    await sameOnCpu(() => tf.sum(tall, 0));
    const ints = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
      ],
      [2, 2],
      'int32',
    );
    await sameOnCpu(() => tf.sum(ints, 0));
  });

  it('Tanh matches within 2.5e-7 over the whole range, saturating to ±1, and its gradient', async () => {
    const xs = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) / 100); // -20 … 20
    const x = tf.tensor1d([...xs, 0, -0, 1e-8, -1e-30, 1e30, -1e30, 88, -88]);
    await sameOnCpu(() => tf.tanh(x), 2.5e-7);
    await tf.setBackend('wasm');
    const y = tf.tanh(x).dataSync();
    assert.ok(y.every((v) => v >= -1 && v <= 1));
    assert.equal(y[y.length - 4], 1);
    assert.equal(y[y.length - 3], -1);
    const t8 = rand([8]).mul(3);
    await sameOnCpu(() => tf.grad((t: tf.Tensor) => tf.tanh(t).mul(tf.range(0, 8)).sum())(t8), 1e-6);
  });

  it("ClipByValue's fused gradient (hard sigmoid) matches tfjs' four-kernel one, edges included", async () => {
    const x = tf.tensor1d([-3, -2.5, -1, 0, 1, 2.5, 3, 0.3]);
    await sameOnCpu(() =>
      tf.grad((t: tf.Tensor) => tf.clipByValue(t.mul(0.2).add(0.5), 0, 1).mul(tf.range(1, 9)).sum())(x),
    );
    const wide = rand([40, 30]);
    await sameOnCpu(() => tf.grad((t: tf.Tensor) => tf.clipByValue(t, -0.5, 0.5).square().sum())(wide));
  });

  it('a transposed weight is reused only while it is the same tensor and shape', async () => {
    await tf.setBackend('wasm');
    const a = rand([3, 4]);
    let w = rand([5, 4]);
    for (let step = 0; step < 3; step++) {
      const got = tf.matMul(a, w, false, true).arraySync();
      const want = tf.matMul(a, w.transpose()).arraySync();
      assert.deepEqual(got, want, `step ${step}`);
      const w3 = w.reshape([1, 5, 4]);
      assert.deepEqual(
        tf
          .matMul(a.reshape([1, 3, 4]), w3, false, true)
          .reshape([3, 5])
          .arraySync(),
        want,
        'reshaped view of the same data',
      );
      w = w.add(1); // a new tensor, as an optimizer step makes
    }
  });

  it('a transposed weight is made anew once its data is written in place (Adam on a large variable)', async () => {
    await tf.setBackend('wasm');
    const a = rand([3, 4]);
    const w = rand([5, 4]);
    const first = tf.matMul(a, w, false, true).arraySync();
    assert.deepEqual(first, tf.matMul(a, w.transpose()).arraySync());
    const heap = (tf.backend() as unknown as { typedArrayFromHeap(t: tf.Tensor): Float32Array }).typedArrayFromHeap(w);
    heap.forEach((x, i) => {
      heap[i] = x * 2;
    });
    wroteInPlace(w.dataId);
    const got = tf.matMul(a, w, false, true).arraySync();
    assert.deepEqual(got, tf.matMul(a, w.transpose()).arraySync());
    assert.notDeepEqual(got, first);
  });

  it('Identity (clone) shares the data: each copy outlives the other, a variable stays apart from its source', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const x = rand([64, 32]);
    const values = x.dataSync().slice();
    const copy = tf.clone(x);
    assert.equal(copy.dataId, x.dataId, 'one buffer for both');
    x.dispose();
    assert.deepEqual(copy.dataSync(), values);
    const again = tf.clone(copy);
    copy.dispose();
    assert.deepEqual(again.dataSync(), values);
    const v = tf.variable(again);
    const zeros = tf.zerosLike(again);
    v.assign(zeros);
    assert.deepEqual(again.dataSync(), values, 'assigning the variable leaves its source alone');
    const int = tf.tensor1d([1, 2, 3], 'int32');
    const ints = tf.clone(int);
    assert.deepEqual(Array.from(ints.dataSync()), [1, 2, 3]);
    tf.dispose([again, v, zeros, int, ints]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('GatherV2 rejects an out-of-range index', async () => {
    await tf.setBackend('wasm');
    assert.throws(() => tf.gather(rand([3, 2]), tf.tensor1d([3], 'int32')).dataSync(), /not in \[0, 2\]/);
  });

  it('the embedding gradient trains through them: gather + unsortedSegmentSum', async () => {
    const table = rand([10, 4]);
    const ids = tf.tensor1d([1, 3, 3, 9], 'int32');
    await sameOnCpu(() => tf.grad((t: tf.Tensor) => tf.gather(t, ids).square().sum())(table));
  });

  it('Reverse of one axis matches the reference, forward and as a gradient', async () => {
    const x = rand([3, 5, 4]);
    for (const axis of [0, 1, 2, -1]) await sameOnCpu(() => tf.reverse(x, axis));
    await sameOnCpu(() => tf.reverse(x, [0, 2]));
    await sameOnCpu(() =>
      tf.grad((t: tf.Tensor) =>
        tf
          .reverse(t, 1)
          .mul(tf.range(0, 60).reshape([3, 5, 4]))
          .sum(),
      )(x),
    );
  });

  it('Equal with broadcasting matches the reference (max pooling over time and its gradient)', async () => {
    const x = tf.round(tf.mul(rand([2, 6, 3]), 2));
    await sameOnCpu(() => tf.cast(tf.equal(x, tf.max(x, 1, true)), 'float32'));
    await sameOnCpu(() => tf.cast(tf.equal(tf.max(x, 1, true), x), 'float32'));
    await sameOnCpu(() => tf.cast(tf.equal(x, tf.max(x, [0, 2], true)), 'float32'));
    await sameOnCpu(() => tf.cast(tf.equal(x, tf.max(x, 2, true)), 'float32'));
    const y = rand([2, 4, 3]);
    await sameOnCpu(() =>
      tf.grad((t: tf.Tensor) =>
        tf
          .max(t, 1)
          .mul(tf.range(1, 7).reshape([2, 3]))
          .sum(),
      )(y),
    );
  });
});
