/** `sentiment export` from the shell: what it prints, and its refusals as one line and exit code 2, nothing written. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { sentiment, tempDir, TINY_TRAIN_FLAGS, trainHead } from '../helpers.ts';

describe('sentiment export', () => {
  let model = '';
  before(() => {
    model = join(tempDir(), 'model');
    const r = sentiment([
      'train',
      trainHead(300),
      '--out',
      model,
      '--epochs',
      '1',
      '--backend',
      'wasm',
      ...TINY_TRAIN_FLAGS,
    ]);
    assert.equal(r.code, 0, r.err);
  });

  it('writes the folder and prints each part before and after, and the accuracy before and after', () => {
    const out = join(tempDir(), 'site');
    const r = sentiment(['export', '--web', out, '--model', model, '--quantize', 'float16', '--backend', 'wasm']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^wrote ${out} in [\\d.]+s \\(float16 weights\\)\\n`));
    for (const part of [
      'weights',
      'tokenizers',
      'phrase memory',
      'sentiment.js',
      'tfjs-backend-wasm-simd.wasm',
      'in all',
    ])
      assert.match(r.out, new RegExp(`\\n  ${part} +[\\d. MB]*→ +[\\d.]+ MB\\n`), part);
    assert.match(r.out, /\naccuracy on 30 validation rows: 0\.\d{4} → 0\.\d{4} \([+-]\d+\.\d\d points\)\n$/);
    assert.ok(existsSync(join(out, 'index.html')));
  });

  it('refuses, in one line naming the flag, a missing --web, a folder with files, a quantization it does not know', () => {
    const none = sentiment(['export', '--model', model]);
    assert.equal(none.code, 2);
    assert.match(none.err, /give --web DIR/);
    const out = join(tempDir(), 'site');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const full = sentiment(['export', '--web', out, '--model', model, '--backend', 'wasm']);
    assert.equal(full.code, 2);
    assert.match(full.err, /^error: .*--web .*site: holds files \(notes\.txt\); give --force to replace it whole\n$/);
    assert.deepEqual(readdirSync(out), ['notes.txt']);
    const odd = sentiment(['export', '--web', join(tempDir(), 'x'), '--quantize', 'int4']);
    assert.equal(odd.code, 1);
    assert.match(odd.err, /--quantize.*int4.*float16, uint8/);
    const untrained = sentiment(['export', '--web', join(tempDir(), 'y'), '--model', join(tempDir(), 'nothing')]);
    assert.equal(untrained.code, 2);
    assert.match(untrained.err, /no model in/);
  });
});
