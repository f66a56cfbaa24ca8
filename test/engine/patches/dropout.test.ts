import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import type * as Core from '@tensorflow/tfjs-core';
import { withSeededMathRandom } from '../../../src/data/random.ts';
import { dropoutMask } from '../../../src/engine/patches/dropout.ts';
import { initEngine } from '../../../src/engine/engine.ts';

// The core's exports object, as tfjs-layers reads it (an ESM import would keep its first values).
const tf = createRequire(import.meta.url)('@tensorflow/tfjs-core') as typeof Core;
// tfjs' own dropout, taken before an engine starts and puts the fast one in its place.
const tfjsDropout = tf.dropout;

const bits = (t: Core.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer).toString('hex');
const input = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i) * 3),
    shape,
  );

/** The same dropout call through tfjs and through the core's export, with Math.random seeded alike. */
async function both(seed: string, f: (dropout: typeof Core.dropout) => Core.Tensor): Promise<[string, string]> {
  const run = (dropout: typeof Core.dropout) => withSeededMathRandom(seed, async () => tf.tidy(() => bits(f(dropout))));
  return [await run(tfjsDropout), await run(tf.dropout)];
}

describe('dropout', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('is replaced in the core once an engine starts', () => {
    assert.notEqual(tf.dropout, tfjsDropout);
  });

  it('draws the masks tfjs draws, to the bit, from the same Math.random', async () => {
    for (const [shape, rate, noise] of [
      [[512, 256], 0.3, undefined],
      [[64, 7, 256], 0.3, [64, 1, 256]],
      [[33, 5], 0.5, undefined],
      [[1000], 0.1, undefined],
      [[16, 9, 3], 0.9, [16, 1, null]],
    ] as [number[], number, (number | null)[] | undefined][]) {
      const [expected, actual] = await both(`${shape}:${rate}`, (dropout) =>
        dropout(input(shape), rate, noise as number[] | undefined),
      );
      assert.equal(actual, expected, `shape ${shape}, rate ${rate}`);
    }
  });

  it('takes an explicit seed as tfjs does', async () => {
    const [expected, actual] = await both('seeded', (dropout) => dropout(input([200, 10]), 0.3, undefined, 1234));
    assert.equal(actual, expected);
  });

  it('gives the mask of dropout on ones', async () => {
    const expected = await withSeededMathRandom('mask', async () =>
      tf.tidy(() => bits(tfjsDropout(tf.ones([512, 256]), 0.3))),
    );
    const actual = await withSeededMathRandom('mask', async () =>
      Buffer.from(dropoutMask(512 * 256, 0.3).buffer).toString('hex'),
    );
    assert.equal(actual, expected);
  });

  it('keeps about the keep probability and scales by its inverse', () => {
    const mask = dropoutMask(100_000, 0.3, 'count');
    const kept = mask.filter((v) => v !== 0);
    assert.ok(Math.abs(kept.length / mask.length - 0.7) < 0.01, `${kept.length} kept`);
    assert.ok(kept.every((v) => v === Math.fround(1 / Math.fround(0.7))));
  });

  it("leaves tfjs' answers for rates outside (0, 1) and tensors that are not float", () => {
    const x = input([4, 4]);
    assert.equal(bits(tf.dropout(x, 0)), bits(x));
    assert.throws(() => tf.dropout(x, 1), /rate must be a float in the range \[0, 1\)/);
    assert.throws(() => tf.dropout(tf.ones([3], 'int32'), 0.5), /floating point tensor/);
  });
});
