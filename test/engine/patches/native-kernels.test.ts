import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '../../../src/engine/tf.ts';
import { makeRng } from '../../../src/data/random.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { addonFailure } from '../../../src/engine/native-addon.ts';
import { fromHalves } from '../../../src/model/float16.ts';
import { needAddon, ROOT, tempDir } from '../../helpers.ts';

const rng = makeRng('native-matmul');
const values = (n: number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * 3);
const hex = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

// [m, k, n, transposeA, transposeB, rank]: row and column counts off the kernel's 4 × 16 tiles, both
// transposes, 3-d operands with a batch of 1 and a product too narrow (5 columns) for the native path.
const CASES: [number, number, number, boolean, boolean, 2 | 3][] = [
  [512, 256, 256, false, false, 2],
  [512, 256, 256, false, true, 2],
  [256, 512, 256, true, false, 2],
  [37, 13, 29, false, false, 2],
  [3, 7, 16, true, true, 3],
  [1, 1, 33, false, false, 2],
  [66, 40, 47, true, false, 3],
  [512, 256, 5, false, false, 3],
];

/** Each case's product on the current engine, as bytes. */
function products(): string[] {
  const r = makeRng('native-matmul-operands');
  return CASES.map(([m, k, n, ta, tb, rank]) =>
    tf.tidy(() => {
      const make = (rows: number, cols: number) => {
        const v = Float32Array.from({ length: rows * cols }, () => (r() * 2 - 1) * 3);
        return rank === 3 ? tf.tensor3d(v, [1, rows, cols]) : tf.tensor2d(v, [rows, cols]);
      };
      const a = ta ? make(k, m) : make(m, k);
      const b = tb ? make(n, k) : make(k, n);
      const c = tf.matMul(a, b, ta, tb);
      assert.deepEqual(c.shape, rank === 3 ? [1, m, n] : [m, n]);
      return hex(c.dataSync() as Float32Array);
    }),
  );
}

/** The embedding's gradient for a few index sets (repeats, ids out of range, 2-d ids), as bytes. */
function segmentSums(): string[] {
  const r = makeRng('native-segment-sum');
  const cases: [number[], number, number][] = [
    [[512], 256, 8192],
    [[64, 7], 33, 50],
    [[9], 1, 3],
  ];
  return cases.map(([idShape, inner, segments]) =>
    tf.tidy(() => {
      const n = idShape.reduce((a, b) => a * b, 1);
      // A few ids repeat (summed in row order) and a few fall outside [0, segments) (dropped).
      const ids = Int32Array.from({ length: n }, () => Math.floor(r() * (segments + 4)) - 2);
      const x = tf.tensor(
        Float32Array.from({ length: n * inner }, () => (r() * 2 - 1) * 3),
        [...idShape, inner],
      );
      const g = tf
        .engine()
        .runKernel(
          'UnsortedSegmentSum',
          { x, segmentIds: tf.tensor(ids, idShape, 'int32') },
          { numSegments: segments },
        ) as tf.Tensor;
      assert.deepEqual(g.shape, [segments, inner]);
      return hex(g.dataSync() as Float32Array);
    }),
  );
}

/** Max over each axis before the last (NaN first and later in a few lanes, ties, signed zeros), and Equal against it, as bytes. */
function maxesAndMasks(): string[] {
  const r = makeRng('native-max');
  const out: string[] = [];
  const cases: [number[], number][] = [
    [[256, 10, 256], 1],
    [[3, 5, 7, 2], 1],
    [[3, 5, 7, 2], 2],
    [[9, 4], 0],
    [[4, 1, 6], 1],
  ];
  for (const [shape, axis] of cases) {
    tf.tidy(() => {
      // Rounded to a few values so that lanes tie; a NaN first in one lane and later in another.
      const v = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.round((r() * 2 - 1) * 3));
      v[0] = Number.NaN;
      v[v.length - 1] = Number.NaN;
      // Zeros of both signs in one lane: the first one wins.
      v[1] = -0;
      const x = tf.tensor(v, shape);
      for (const keepDims of [false, true]) {
        const m = tf.max(x, axis, keepDims);
        out.push(`${m.shape.join('x')} ${hex(m.dataSync() as Float32Array)}`);
      }
      const top = tf.max(x, axis, true);
      for (const [a, b] of [
        [x, top],
        [top, x],
      ]) {
        const mask = tf.engine().runKernel('Equal', { a, b }) as tf.Tensor;
        out.push(`${mask.shape.join('x')} ${Buffer.from(mask.dataSync() as Uint8Array).toString('hex')}`);
      }
    });
  }
  return out;
}

/** `f` on the plain wasm engine, then on blas (the addon's kernels); wasm again after. */
async function wasmThenBlas<T>(f: () => T): Promise<[T, T]> {
  await initEngine('wasm');
  const onWasm = f();
  await initEngine('blas');
  try {
    return [onWasm, f()];
  } finally {
    await initEngine('wasm');
  }
}

describe('native kernels on the blas engine', () => {
  it("matrix products are tfjs' wasm products to the bit, in every shape and transpose", async (t) => {
    if (!needAddon(t)) return;
    const [expected, actual] = await wasmThenBlas(products);
    CASES.forEach((c, i) => assert.equal(actual[i], expected[i], `case ${c.join(' ')}`));
  });

  it("the embedding's gradient is the wasm engine's to the bit", async (t) => {
    if (!needAddon(t)) return;
    const [expected, actual] = await wasmThenBlas(segmentSums);
    assert.deepEqual(actual, expected);
  });

  it("max over time and its gradient's mask are the wasm engine's to the bit, NaNs and ties included", async (t) => {
    if (!needAddon(t)) return;
    const [expected, actual] = await wasmThenBlas(maxesAndMasks);
    assert.deepEqual(actual, expected);
  });

  it('max over time goes to the addon on blas', async (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    await initEngine('blas');
    try {
      const calls: string[] = [];
      const { maxAlong } = addon;
      addon.maxAlong = (args) => {
        calls.push(`${args.outer}x${args.mid}x${args.inner}`);
        maxAlong.call(addon, args);
      };
      try {
        tf.tidy(() => tf.max(tf.ones([2, 3, 4]), 1).dataSync());
      } finally {
        addon.maxAlong = maxAlong;
      }
      assert.deepEqual(calls, ['2x3x4']);
    } finally {
      await initEngine('wasm');
    }
  });

  it('a product sums each output in the order of k, every step rounded to float32 (no fused multiply-add)', (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    const [m, k, n] = [5, 300, 20];
    const a = values(m * k);
    const b = values(k * n);
    const c = new Float32Array(m * n);
    addon.matmul({ m, k, n, a, b, c });
    const expected = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let q = 0; q < k; q++) acc = Math.fround(acc + Math.fround(a[i * k + q] * b[q * n + j]));
        expected[i * n + j] = acc;
      }
    }
    assert.equal(hex(c), hex(expected));
  });

  it('the addon checks sizes before it reads or writes anything', (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    const c = new Float32Array(6).fill(7);
    assert.throws(() => addon.matmul({ m: 2, k: 3, n: 3, a: new Float32Array(5), b: new Float32Array(9), c }), {
      name: 'RangeError',
      message: 'a has 5 floats, expected 6',
    });
    assert.throws(() => addon.matmul({ m: 2, k: 3, n: 0, a: new Float32Array(6), b: new Float32Array(0), c }), {
      name: 'RangeError',
      message: 'n must be a positive integer',
    });
    assert.ok(c.every((v) => v === 7));
    const out = new Float32Array(4).fill(7);
    assert.throws(
      () =>
        addon.segmentSum({
          n: 2,
          inner: 2,
          segments: 2,
          x: new Float32Array(4),
          ids: new Float32Array(2) as unknown as Int32Array,
          out,
        }),
      { name: 'TypeError', message: 'ids must be an Int32Array' },
    );
    assert.ok(out.every((v) => v === 7));
  });

  it("the forest pass reads each node's row of the table itself; a token outside it reads zeros", (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    const [features, units, rows] = [3, 2, 4];
    const rand = (n: number, seed: number) =>
      Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));
    const table = rand(rows * features, 1);
    const weights = { w: rand(features * 4 * units, 2), u: rand(units * 4 * units, 3), b: rand(4 * units, 4) };
    // Two roots (tokens 2 and 9, the second past the table), one child each (tokens 1 and -1).
    const forest = { parent: Int32Array.of(-1, -1, 0, 1), levels: Int32Array.of(0, 2, 4) };
    const run = (tokens: Int32Array, tab: Float32Array, tabRows: number) => {
      const h = new Float32Array(4 * units);
      addon.forwardTree({
        nodes: 4,
        depth: 2,
        features,
        units,
        hardSigmoid: false,
        rows: tabRows,
        table: tab,
        tokens,
        ...forest,
        ...weights,
        h,
      });
      return h;
    };
    const gathered = run(Int32Array.of(2, 9, 1, -1), table, rows);
    // The same forest over a table that holds each node's input in order, zeros where the token is outside.
    const own = new Float32Array(4 * features);
    own.set(table.subarray(2 * features, 3 * features), 0);
    own.set(table.subarray(1 * features, 2 * features), 2 * features);
    assert.deepEqual(run(Int32Array.of(0, 1, 2, 3), own, 4), gathered);
    assert.throws(() => run(Int32Array.of(2, 9, 1, -1), table.subarray(1), rows), {
      name: 'RangeError',
      message: /table has/,
    });
  });

  it('a float16 table is read as its bits widened: the same outputs as the float32 table float16.ts makes of it', (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    const [features, units, rows] = [4, 2, 3];
    // Zeros of both signs, subnormals, the largest and smallest normals, and ordinary values.
    const halves = Uint16Array.of(
      0x0000,
      0x8000,
      0x0001,
      0x83ff,
      0x7bff,
      0xfbff,
      0x0400,
      0x3c00,
      0xb555,
      0x2e66,
      0x4248,
      0x1234,
    );
    const rand = (n: number, seed: number) =>
      Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 1e-5);
    const pass = (table: Float32Array | Uint16Array) => {
      const h = new Float32Array(3 * units);
      addon.forwardTree({
        nodes: 3,
        depth: 2,
        features,
        units,
        hardSigmoid: false,
        rows,
        table,
        tokens: Int32Array.of(0, 2, 1),
        parent: Int32Array.of(-1, -1, 0),
        levels: Int32Array.of(0, 2, 3),
        w: rand(features * 4 * units, 2),
        u: rand(units * 4 * units, 3),
        b: rand(4 * units, 4),
        h,
      });
      return h;
    };
    assert.deepEqual(pass(halves), pass(fromHalves(halves)));
  });

  it("two forests at once give each forest's own pass; outputs that overlap are refused", (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    const [features, units, rows] = [5, 3, 40];
    const rand = (n: number, seed: number) =>
      Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 0.5);
    const table = rand(rows * features, 1);
    // Two forests of 300 nodes each (levels of 100, wide enough for the gate pass to split when alone).
    const forest = (seed: number) => {
      const levels = Int32Array.of(0, 100, 200, 300);
      const parent = Int32Array.from({ length: 300 }, (_, i) =>
        i < 100 ? -1 : Math.floor((i - 100) / 100) * 100 + ((i * seed) % 100),
      );
      const tokens = Int32Array.from({ length: 300 }, (_, i) => (i * seed) % (rows + 3)); // some outside the table
      return { nodes: 300, depth: 3, features, units, rows, table, tokens, parent, levels };
    };
    const pass = (seed: number, h: Float32Array) => ({
      ...forest(seed),
      hardSigmoid: seed % 2 === 0,
      w: rand(features * 4 * units, seed + 1),
      u: rand(units * 4 * units, seed + 2),
      b: rand(4 * units, seed + 3),
      h,
    });
    const [a, b] = [new Float32Array(300 * units), new Float32Array(300 * units)];
    addon.forwardTree(pass(7, a));
    addon.forwardTree(pass(12, b));
    const both = new Float32Array(600 * units);
    addon.forwardTreePair({
      first: pass(7, both.subarray(0, 300 * units)),
      second: pass(12, both.subarray(300 * units)),
    });
    assert.ok(
      [...a, ...b].every((v, i) => Math.abs(v - both[i]) <= 1e-6),
      'the pair gives what each forest gives alone',
    );
    assert.throws(
      () =>
        addon.forwardTreePair({
          first: pass(7, both.subarray(0, 300 * units)),
          second: pass(12, both.subarray(units, 301 * units)),
        }),
      { name: 'RangeError', message: /must not overlap/ },
    );
    addon.releaseTreeMemory();
    addon.forwardTree(pass(7, both.subarray(0, 300 * units)));
    assert.deepEqual(both.subarray(0, 300 * units), a, 'a pass after the memory is let go gives the same outputs');
  });

  it('sizes whose product overflows 64 bits are refused, not wrapped round to a small array', (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    const out = new Float32Array(1).fill(7);
    const big = 2 ** 40;
    assert.throws(() => addon.maxAlong({ outer: big, mid: big, inner: big, x: new Float32Array(0), out }), {
      name: 'RangeError',
      message: /overflow/,
    });
    assert.throws(
      () =>
        addon.forward({
          batch: 2 ** 31,
          steps: 2 ** 31,
          features: 2 ** 31,
          units: 2 ** 31,
          hardSigmoid: true,
          ...Object.fromEntries(
            ['x', 'w', 'u', 'b', 'mx', 'mh', 'xm', 'act', 'c', 'tc', 'hm', 'h'].map((k) => [k, out]),
          ),
        } as unknown as Parameters<typeof addon.forward>[0]),
      { name: 'RangeError', message: /overflow/ },
    );
    assert.ok(out.every((v) => v === 7));
  });

  it('a binary built from other sources is refused with the reason (the version handshake)', (t) => {
    if (!needAddon(t)) return;
    // A copy of the package whose sources moved on after its binary was built.
    const copy = join(tempDir(), 'fused-lstm');
    cpSync(join(ROOT, 'native', 'fused-lstm'), copy, { recursive: true, filter: (p) => !p.includes('obj.target') });
    appendFileSync(join(copy, 'src', 'lstm.h'), '\n// changed after the build\n');
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(copy)})`], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /built from other sources/);
    assert.match(r.stderr, /SENTIMENT_FUSED_LSTM_UNAVAILABLE/);
    const why = addonFailure(
      Object.assign(
        new Error('was built from other sources (binary s1, sources s2): npm rebuild sentiment-fused-lstm'),
        { code: 'SENTIMENT_FUSED_LSTM_UNAVAILABLE' },
      ),
    );
    assert.match(why, /^sentiment-fused-lstm was built from other sources/);
    // The unchanged copy loads.
    const same = join(tempDir(), 'fused-lstm');
    cpSync(join(ROOT, 'native', 'fused-lstm'), same, { recursive: true, filter: (p) => !p.includes('obj.target') });
    const ok = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(same)})`], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
  });

  it("the LSTM kernels check every input's shape before the addon is called", async (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    await initEngine('blas');
    const { FUSED_LSTM, registerFusedLstmKernels } = await import('../../../src/model/lstm/kernels.ts');
    registerFusedLstmKernels(addon);
    const [batch, steps, features, units] = [2, 3, 4, 5];
    const inputs = {
      x: tf.zeros([batch, steps, features]),
      kernel: tf.zeros([features, 4 * units]),
      recurrentKernel: tf.zeros([units, 4 * units]),
      bias: tf.zeros([4 * units]),
      inputMask: tf.ones([batch, features]),
      recurrentMask: tf.ones([batch, units + 1]),
    };
    assert.throws(
      () => tf.engine().runKernel(FUSED_LSTM, inputs, { hardSigmoid: true }),
      /recurrentMask is float32 \[2,6\], expected float32 \[2,5\]/,
    );
    const outs = tf
      .engine()
      .runKernel(
        FUSED_LSTM,
        { ...inputs, recurrentMask: tf.ones([batch, units]) },
        { hardSigmoid: true },
      ) as tf.Tensor[];
    assert.deepEqual(outs[0].shape, [batch, units]);
  });
});
