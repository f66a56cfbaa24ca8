import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildBiLstm } from '../../src/model/bilstm.ts';
import { fromHalves, halvesFinite, toHalf, toHalves } from '../../src/model/float16.ts';
import { loadLayersModel, saveLayersModel } from '../../src/model/layers-files.ts';
import { predictRows } from '../../src/model/recurrent-member.ts';
import { tempDir } from '../helpers.ts';

describe('float16 weights', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('rounds to the nearest half, ties to even, as IEEE 754 says', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [65520, 0x7c00], // halfway to the next: rounds to even, which is Infinity
      [1e6, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], // the smallest normal
      [2 ** -24, 0x0001], // the smallest subnormal
      [2 ** -25, 0x0000], // halfway to it: to even (zero)
      [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 subnormal steps: to even (2)
      [1 + 2 ** -11, 0x3c00], // halfway between 1 and its successor: to even (1)
      [1 + 3 * 2 ** -11, 0x3c02],
      [1 / 3, 0x3555],
    ];
    for (const [v, bits] of cases) assert.equal(toHalf(v), bits, `${v}: 0x${toHalf(v).toString(16)}`);
    assert.equal(toHalf(Number.NaN) & 0x7c00, 0x7c00);
    assert.ok(Number.isNaN(fromHalves(Uint16Array.of(toHalf(Number.NaN)))[0]));
  });

  it('reads back every half exactly, and a float within half a unit in the last place', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const values = fromHalves(all);
    const again = toHalves(values);
    all.forEach((h, i) => {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) return; // NaNs: any NaN
      assert.equal(again[i], h, `0x${h.toString(16)}`);
    });
    const x = Float32Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 4));
    const back = fromHalves(toHalves(x));
    x.forEach((v, i) => {
      if (Math.abs(v) < 2 ** -14) assert.ok(Math.abs(back[i] - v) <= 2 ** -25, `${v} → ${back[i]}`);
      else assert.ok(Math.abs(back[i] - v) <= Math.abs(v) * 2 ** -11, `${v} → ${back[i]}`);
    });
  });

  it('saves a model in half the bytes that tfjs reads as it is, and a table outside reads the same', async () => {
    const model = buildBiLstm(
      { rows: 40, dims: 8, units: 6, bidirectional: true, pooling: 'max-mean', numClasses: 5, learningRate: 0.01 },
      null,
    );
    const [full, half] = [tempDir(), tempDir()];
    await saveLayersModel(model, full);
    await saveLayersModel(model, half, { quantize: 'float16' });
    const size = (d: string) => statSync(join(d, 'weights.bin')).size;
    assert.equal(size(half) * 2, size(full));
    const manifest = JSON.parse(readFileSync(join(half, 'model.json'), 'utf8')) as {
      weightsManifest: { weights: { quantization?: { dtype: string } }[] }[];
    };
    assert.ok(manifest.weightsManifest[0].weights.every((w) => w.quantization?.dtype === 'float16'));
    const seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9], [39, 0, 12]];
    const score = (m: tf.LayersModel) =>
      predictRows(m, seqs, Int32Array.from(seqs.keys()), { maxLen: 10, batching: 'group', batchSize: 4 });
    const want = score(model);
    const [inside, outside] = [await loadLayersModel(half), await loadLayersModel(half, { tableOutside: true })];
    const got = score(inside);
    assert.deepEqual(score(outside), got, "our widening of the table is tfjs' own");
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 5e-3, `${v} vs ${want[i]}`));
    // Saved again from a float16 load, as float32: the values it holds.
    const again = tempDir();
    await saveLayersModel(outside, again);
    assert.equal(size(again), size(full));
    assert.deepEqual(score(await loadLayersModel(again)), got);
    for (const m of [model, inside, outside]) m.dispose();
  });

  it('finds every non-finite half, in either half of a 4-byte word and at any offset', () => {
    const all = Uint16Array.from({ length: 1 << 16 }, (_, h) => h);
    const finite = (h: number) => Number.isFinite(fromHalves(Uint16Array.of(h))[0]);
    const buffer = new ArrayBuffer(16);
    for (let h = 0; h < 1 << 16; h++) {
      // Among finite halves (1.0), at each position of 5 halves starting on and off a 4-byte boundary.
      for (const start of [0, 1]) {
        for (let at = 0; at < 5; at++) {
          const bits = new Uint16Array(buffer, 2 * start, 5).fill(0x3c00);
          bits[at] = all[h];
          if (halvesFinite(bits) !== finite(h)) assert.fail(`half 0x${h.toString(16)} at ${at} from ${2 * start}`);
        }
      }
    }
    assert.ok(halvesFinite(new Uint16Array(0)));
  });

  it('refuses float16 weights that are not finite, naming the file', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    model.layers[0].setWeights([tf.tensor2d([1, 2, 3, 4, 5, Number.NaN], [3, 2]), tf.zeros([2])]);
    const dir = tempDir();
    await saveLayersModel(model, dir, { quantize: 'float16' });
    await assert.rejects(loadLayersModel(dir), { name: 'InputError', message: /not a finite number/ });
    // A weight past float16's range keeps float32; the others are halved.
    model.layers[0].setWeights([tf.tensor2d([1, 2, 3, 4, 5, 1e6], [3, 2]), tf.zeros([2])]);
    await saveLayersModel(model, dir, { quantize: 'float16' });
    const specs = (
      JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
        weightsManifest: { weights: { quantization?: { dtype: string } }[] }[];
      }
    ).weightsManifest[0].weights;
    assert.deepEqual(
      specs.map((w) => w.quantization?.dtype ?? 'float32'),
      ['float32', 'float16'],
    );
    const loaded = await loadLayersModel(dir);
    assert.equal((loaded.layers[0].getWeights()[0].dataSync() as Float32Array)[5], 1e6);
    loaded.dispose();
    model.dispose();
  });

  it('saves uint8 weights in a quarter of the bytes, each within half a step of its value, that tfjs reads as they are', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    const kernel = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i) * 3);
    // A weight of one value throughout (the bias) keeps it exactly.
    model.layers[0].setWeights([tf.tensor2d(kernel, [4, 3]), tf.fill([3], 0.25)]);
    const [full, quarter] = [tempDir(), tempDir()];
    await saveLayersModel(model, full);
    await saveLayersModel(model, quarter, { quantize: 'uint8' });
    const size = (d: string) => statSync(join(d, 'weights.bin')).size;
    assert.equal(size(quarter) * 4, size(full));
    const specs = (
      JSON.parse(readFileSync(join(quarter, 'model.json'), 'utf8')) as {
        weightsManifest: { weights: { quantization?: { dtype: string; min: number; scale: number } }[] }[];
      }
    ).weightsManifest[0].weights;
    assert.deepEqual(
      specs.map((w) => w.quantization?.dtype),
      ['uint8', 'uint8'],
    );
    const loaded = await loadLayersModel(quarter);
    const [k, b] = loaded.layers[0].getWeights().map((w) => w.dataSync() as Float32Array);
    const step = specs[0].quantization?.scale ?? 0;
    assert.ok(Math.abs(step - (Math.max(...kernel) - Math.min(...kernel)) / 255) < 1e-9);
    kernel.forEach((v, i) => assert.ok(Math.abs(k[i] - v) <= step / 2 + 1e-6, `${v} → ${k[i]}`));
    assert.deepEqual(Array.from(b), [0.25, 0.25, 0.25]);
    for (const m of [model, loaded]) m.dispose();
  });
});
