import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '../../../src/engine/tf.ts';
import { initEngine, startEngine } from '../../../src/engine/engine.ts';
import { type FusedLstmAddon, loadFusedLstmAddon } from '../../../src/engine/native-addon.ts';
import { lstmPath, lstmSequence, type GateActivation } from '../../../src/model/lstm/sequence-op.ts';
import { needAddon, ROOT, tinyModel } from '../../helpers.ts';
import {
  close,
  kernelsRun,
  randomTensors,
  referenceLstm,
  sameGradients,
  trainingGradients,
  twinLayers,
} from './reference.ts';

const load = loadFusedLstmAddon();
/** The blas engine's addon, as the engine hands it to the LSTM. */
let native: FusedLstmAddon | null = null;

const { rand, mask } = randomTensors('fused-lstm-kernels');

describe('the native fused LSTM kernels (blas engine)', () => {
  before(async () => {
    if (load.ok) native = (await startEngine('blas')).speed?.native ?? null;
  });
  after(async () => {
    await initEngine('wasm');
  });

  const cases: [number, number, number, number][] = [
    [1, 1, 1, 1],
    [3, 5, 4, 2],
    [5, 7, 3, 6],
    [2, 12, 8, 4],
    [64, 20, 16, 33],
    [7, 53, 256, 256],
  ];
  for (const act of ['hardSigmoid', 'sigmoid'] as GateActivation[]) {
    for (const rate of [0, 0.3]) {
      it(`output and every gradient equal tfjs' LSTM arithmetic (${act}, dropout ${rate})`, (t) => {
        if (!needAddon(t)) return;
        assert.equal(lstmPath(true, { native }), 'native');
        for (const [batch, steps, features, units] of cases) compare(batch, steps, features, units, act, rate);
      });
    }
  }

  for (const act of ['hardSigmoid', 'sigmoid'] as GateActivation[]) {
    it(`every step's output (returnSequences) and every gradient equal tfjs' LSTM arithmetic (${act})`, (t) => {
      if (!needAddon(t)) return;
      for (const [batch, steps, features, units] of [
        [1, 1, 1, 1],
        [3, 5, 4, 2],
        [64, 20, 16, 33],
        [8, 40, 100, 128],
      ])
        compare(batch, steps, features, units, act, 0.3, 1, true);
    });
  }

  for (const opts of [{ returnSequences: true }, { goBackwards: true }, { returnSequences: true, goBackwards: true }]) {
    it(`as a layer with ${JSON.stringify(opts)}: outputs and training gradients equal tfjs' LSTM layer, through the kernels`, async (t) => {
      if (!needAddon(t)) return;
      const x = rand([4, 7, 3]);
      const { plain, fused } = twinLayers(5, x, ['plain_q', 'fused_q'], opts, { native });
      close(fused.apply(x) as tf.Tensor, plain.apply(x) as tf.Tensor, 'inference');
      assert.ok(
        (await kernelsRun(() => fused.apply(x) as tf.Tensor)).has('FusedLstm'),
        'inference went through the native kernel',
      );
      const r = tf.abs(rand(opts.returnSequences ? [4, 7, 5] : [4, 5]));
      sameGradients(trainingGradients(fused, x, r), trainingGradients(plain, x, r));
    });
  }

  it("the seed's shape: 512 phrases × 53 steps, 256 features and units, hard sigmoid, dropout 0.3", (t) => {
    if (!needAddon(t)) return;
    compare(512, 53, 256, 256, 'hardSigmoid', 0.3, 0.5);
  });

  it("the hard sigmoid's clip edges pass the gradient, as tfjs' clipByValue gradient does (z = ±2.5 exactly)", (t) => {
    if (!needAddon(t)) return;
    // One feature, one unit, x = 1: each gate's input is its kernel entry, exactly. One gate sits at
    // (or just past) a clip edge, the others inside, so that its gradient is not zero for another reason.
    for (const edge of [2.5, -2.5, 2.6, -2.6]) {
      for (const gateAt of [0, 3]) {
        const kernel = [1, 1, 0.3, 1];
        kernel[gateAt] = edge;
        const x = tf.ones([1, 1, 1]) as tf.Tensor3D;
        const w = tf.tensor2d([kernel]);
        const [u, b, ones] = [
          tf.zeros([1, 4]) as tf.Tensor2D,
          tf.zeros([4]) as tf.Tensor1D,
          tf.ones([1, 1]) as tf.Tensor2D,
        ];
        const fused = tf.grad((ws: tf.Tensor) =>
          tf.sum(
            lstmSequence(
              { x, kernel: ws as tf.Tensor2D, recurrentKernel: u, bias: b, inputMask: ones, recurrentMask: ones },
              'hardSigmoid',
              false,
              native,
            ),
          ),
        )(w);
        const ref = tf.grad((ws: tf.Tensor) => tf.sum(referenceLstm(x, ws, u, b, ones, ones, 'hardSigmoid')))(w);
        const what = `gate ${gateAt} at z = ${edge}`;
        assert.equal(ref.dataSync()[gateAt] !== 0, Math.abs(edge) === 2.5, `tfjs: ${what}`);
        assert.equal(fused.dataSync()[gateAt] !== 0, Math.abs(edge) === 2.5, what);
        close(fused, ref, what, 1e-6);
      }
    }
  });

  it("as a layer: training gradients and inference equal tfjs' own LSTM layer, through the kernels", async (t) => {
    if (!needAddon(t)) return;
    const x = rand([4, 6, 3]);
    const { plain, fused } = twinLayers(5, x, ['plain_k', 'fused_k'], {}, { native });
    close(fused.apply(x) as tf.Tensor, plain.apply(x) as tf.Tensor, 'inference');
    assert.ok(
      (await kernelsRun(() => fused.apply(x) as tf.Tensor)).has('FusedLstm'),
      'inference went through the native kernel',
    );
    const r = tf.abs(rand([4, 5]));
    sameGradients(trainingGradients(fused, x, r), trainingGradients(plain, x, r));
    const trained = await kernelsRun(() => trainingGradients(fused, x, r).value);
    assert.ok(trained.has('FusedLstm') && trained.has('FusedLstmGrad'), 'training went through both kernels');
  });

  it('a small training run on blas follows the same run on plain wasm (same seed, same dropout masks)', async (t) => {
    if (!needAddon(t)) return;
    const history = async (backend: 'wasm' | 'blas') => {
      const dir = await tinyModel({ rows: 600, epochs: 3, backend });
      const h = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as { epochs: Record<string, number>[] };
      return h.epochs;
    };
    const plain = await history('wasm');
    const blas = await history('blas');
    assert.equal(blas.length, 3);
    blas.forEach((epoch, i) => {
      for (const key of ['loss', 'acc', 'val_loss', 'val_acc'])
        assert.ok(
          Math.abs(epoch[key] - plain[i][key]) <= 1e-3,
          `epoch ${i + 1} ${key}: ${epoch[key]} vs ${plain[i][key]}`,
        );
    });
    await initEngine('blas');
  });

  it('leaves no tensor behind, forward or backward', (t) => {
    if (!needAddon(t)) return;
    const inputs = {
      x: rand([4, 6, 3]) as tf.Tensor3D,
      kernel: rand([3, 8]) as tf.Tensor2D,
      recurrentKernel: rand([2, 8]) as tf.Tensor2D,
      bias: rand([8]) as tf.Tensor1D,
      inputMask: mask([4, 3], 0.3),
      recurrentMask: mask([4, 2], 0.3),
    };
    const run = () =>
      tf.tidy(() =>
        tf.grads((x: tf.Tensor, w: tf.Tensor) =>
          tf.sum(
            lstmSequence({ ...inputs, x: x as tf.Tensor3D, kernel: w as tf.Tensor2D }, 'hardSigmoid', false, native),
          ),
        )([inputs.x, inputs.kernel]),
      );
    tf.dispose(run());
    const count = tf.memory().numTensors;
    tf.dispose(run());
    assert.equal(tf.memory().numTensors, count);
  });

  it("OpenBLAS' kernels: SkylakeX on an AVX-512 CPU when OPENBLAS_CORETYPE is unset, the user's choice when set, and the variable left as it was", (t) => {
    if (!needAddon(t)) return;
    const probe = (env: NodeJS.ProcessEnv) => {
      const r = spawnSync(
        process.execPath,
        [
          '-e',
          "const a = require('sentiment-fused-lstm'); console.log(JSON.stringify([a.info().core, process.env.OPENBLAS_CORETYPE ?? null]))",
        ],
        { cwd: ROOT, encoding: 'utf8', env },
      );
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as [string, string | null];
    };
    const { OPENBLAS_CORETYPE: _, ...unset } = process.env;
    const flags =
      readFileSync('/proc/cpuinfo', 'utf8')
        .match(/^flags\s*:(.*)$/m)?.[1]
        .split(/\s+/) ?? [];
    const avx512 = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.includes(f));
    const [core, left] = probe(unset);
    assert.equal(left, null, 'OPENBLAS_CORETYPE is not left behind');
    if (avx512) assert.equal(core, 'SkylakeX');
    assert.deepEqual(probe({ ...unset, OPENBLAS_CORETYPE: 'Haswell' }), ['Haswell', 'Haswell']);
  });

  it('the addon checks array sizes before it reads or writes anything', (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    const f = (n: number) => new Float32Array(n);
    const args = {
      batch: 2,
      steps: 3,
      features: 4,
      units: 5,
      hardSigmoid: true,
      x: f(24),
      w: f(80),
      u: f(100),
      b: f(20),
      mx: f(8),
      mh: f(10),
      xm: f(24),
      act: f(120),
      c: f(30),
      tc: f(30),
      hm: f(30),
      h: f(10),
    };
    assert.doesNotThrow(() => addon.forward(args));
    assert.throws(() => addon.forward({ ...args, act: f(119) }), {
      name: 'RangeError',
      message: 'act has 119 floats, expected 120',
    });
    assert.throws(() => addon.forward({ ...args, x: new Float64Array(24) as unknown as Float32Array }), {
      name: 'TypeError',
      message: 'x must be a Float32Array',
    });
    assert.throws(() => addon.forward({ ...args, units: 0 }), {
      name: 'RangeError',
      message: 'units must be a positive integer',
    });
  });
});

describe('max and mean over prefix-forest paths (poolPaths)', () => {
  it("gives each row's max and mean over its path's nodes, at its offset, as a plain loop does", (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    // Nodes 0-1 start paths; each later node hangs below one numbered before it.
    const parent = Int32Array.of(-1, -1, 0, 0, 1, 2, 5);
    const ends = Int32Array.of(6, 3, 1, 0);
    const units = 3;
    const width = 7;
    const offset = 2;
    const h = Float32Array.from({ length: parent.length * units }, (_, i) => Math.sin(i * 1.7) * 3);
    h[5 * units + 1] = Number.NaN;
    const out = new Float32Array(ends.length * 2 * width).fill(-9);
    addon.poolPaths({ nodes: parent.length, units, rows: ends.length, width, offset, h, parent, ends, out });
    ends.forEach((end, r) => {
      const path: number[] = [];
      for (let n = end; n >= 0; n = parent[n]) path.push(n);
      for (let j = 0; j < width; j++) {
        const [max, mean] = [out[r * 2 * width + j], out[r * 2 * width + width + j]];
        if (j < offset || j >= offset + units) {
          assert.deepEqual([max, mean], [-9, -9], 'other columns untouched');
          continue;
        }
        const v = path.map((n) => h[n * units + j - offset]);
        const want = v.some(Number.isNaN) ? Number.NaN : Math.max(...v);
        assert.ok(Object.is(max, Math.fround(want)), `row ${r} unit ${j}: max ${max} vs ${want}`);
        const avg = v.reduce((a, b) => a + b, 0) / v.length;
        assert.ok(Number.isNaN(avg) ? Number.isNaN(mean) : Math.abs(mean - avg) < 1e-6, `row ${r} unit ${j}: mean`);
      }
    });
  });

  it('refuses a parent that does not come before its child, an end outside the forest, or columns past the width', (t) => {
    const addon = needAddon(t);
    if (!addon) return;
    const args = {
      nodes: 3,
      units: 2,
      rows: 2,
      width: 2,
      offset: 0,
      h: new Float32Array(6),
      parent: Int32Array.of(-1, 0, 1),
      ends: Int32Array.of(2, 1),
      out: new Float32Array(8),
    };
    assert.doesNotThrow(() => addon.poolPaths(args));
    assert.throws(() => addon.poolPaths({ ...args, parent: Int32Array.of(-1, 2, 1) }), {
      name: 'RangeError',
      message: /parent 1/,
    });
    assert.throws(() => addon.poolPaths({ ...args, parent: Int32Array.of(-2, 0, 1) }), {
      name: 'RangeError',
      message: /parent 0/,
    });
    assert.throws(() => addon.poolPaths({ ...args, ends: Int32Array.of(3, 1) }), {
      name: 'RangeError',
      message: /ends 0/,
    });
    assert.throws(() => addon.poolPaths({ ...args, offset: 1 }), { name: 'RangeError', message: /width/ });
    assert.throws(() => addon.poolPaths({ ...args, out: new Float32Array(7) }), {
      name: 'RangeError',
      message: /out has 7/,
    });
  });
});

/**
 * Native path vs tfjs' arithmetic on random inputs. Weights are scaled so that the gate inputs have
 * standard deviation `zStd`: at 1 some gates are clipped by the hard sigmoid (that gradient is
 * checked), while few sit within rounding of a clip edge, where the two products' different
 * summation orders could send one element to the other side (the gradient is discontinuous there;
 * the edges themselves are checked exactly below). The reference runs in slices of rows (rows are
 * independent; the weight gradients add up), to fit tfjs' per-step tape in the wasm heap.
 */
function compare(
  batch: number,
  steps: number,
  features: number,
  units: number,
  act: GateActivation,
  rate: number,
  zStd = 1,
  sequences = false,
): void {
  tf.tidy(() => {
    const x = rand([batch, steps, features]);
    const w = rand([features, 4 * units], (3 * zStd) / Math.sqrt(features));
    const u = rand([units, 4 * units], (3 * zStd) / Math.sqrt(units));
    const b = rand([4 * units], 0.5);
    const mx = mask([batch, features], rate);
    const mh = mask([batch, units], rate);
    const r = rand(sequences ? [batch, steps, units] : [batch, units]);
    const what = `${act} ${batch}x${steps}x${features}, ${units} units, dropout ${rate}${sequences ? ', every step' : ''}`;
    const fused = tf.valueAndGrads((xs: tf.Tensor, ws: tf.Tensor, us: tf.Tensor, bs: tf.Tensor) =>
      tf.sum(
        tf.mul(
          lstmSequence(
            {
              x: xs as tf.Tensor3D,
              kernel: ws as tf.Tensor2D,
              recurrentKernel: us as tf.Tensor2D,
              bias: bs as tf.Tensor1D,
              inputMask: mx,
              recurrentMask: mh,
            },
            act,
            sequences,
            native,
          ),
          r,
        ),
      ),
    )([x, w, u, b]);
    const SLICE = 64;
    let loss = tf.scalar(0);
    const dxs: tf.Tensor[] = [];
    let [dw, du, db] = [tf.zerosLike(w), tf.zerosLike(u), tf.zerosLike(b)];
    for (let r0 = 0; r0 < batch; r0 += SLICE) {
      const n = Math.min(SLICE, batch - r0);
      const rows = <T extends tf.Tensor>(t: T) => tf.slice(t, r0, n) as T;
      const [mxs, mhs, rs] = [rows(mx), rows(mh), rows(r)];
      const ref = tf.valueAndGrads((xs: tf.Tensor, ws: tf.Tensor, us: tf.Tensor, bs: tf.Tensor) =>
        tf.sum(tf.mul(referenceLstm(xs, ws, us, bs, mxs, mhs, act, sequences), rs)),
      )([rows(x), w, u, b]);
      loss = tf.keep(tf.add(loss, ref.value));
      dxs.push(tf.keep(ref.grads[0]));
      [dw, du, db] = [
        tf.keep(tf.add(dw, ref.grads[1])),
        tf.keep(tf.add(du, ref.grads[2])),
        tf.keep(tf.add(db, ref.grads[3])),
      ];
    }
    close(fused.value, loss, `${what} loss`);
    [tf.concat(dxs, 0), dw, du, db].forEach((g, i) =>
      close(fused.grads[i], g, `${what} d${['input', 'kernel', 'recurrent kernel', 'bias'][i]}`),
    );
  });
}
