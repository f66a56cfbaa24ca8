import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { writeWeights } from '../../src/train/checkpoint.ts';
import { tempDir } from '../helpers.ts';

describe('checkpoint weights, written a tensor at a time', () => {
  it("give tfjs' encodeWeights bytes and manifest exactly (float32 and int32, scalars and matrices)", async () => {
    await initEngine('wasm');
    const named = [
      { name: 'iter', tensor: tf.scalar(7, 'int32') },
      { name: 'm', tensor: tf.randomNormal([300, 17]) },
      { name: 'v', tensor: tf.tensor1d([1.5, -2, 3e-8]) },
      { name: 'empty', tensor: tf.zeros([0, 4]) },
    ];
    const dir = tempDir();
    await writeWeights(dir, 'w.bin', 'w.json', named);
    const encoded = await tf.io.encodeWeights(named);
    assert.deepEqual(readFileSync(join(dir, 'w.bin')), Buffer.from(encoded.data as ArrayBuffer));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8')).weights, encoded.specs);
  });
});
