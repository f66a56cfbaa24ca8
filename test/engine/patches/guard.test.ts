import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKED_VERSIONS, PATCHES, versionMismatch } from '../../../src/engine/patches/index.ts';
import { needAddon, ROOT, tempDir, trainHead } from '../../helpers.ts';

interface Run {
  engine: { name: string; summary: string; patchesOff: string | null };
  speed: { native: boolean } | null;
  history: Record<string, number>[];
  probabilities: number[][];
}

/** Trains and scores in a fresh process (an engine starts once per process). */
function run(engine: 'wasm' | 'blas', mode: 'on' | 'off' | 'other-tfjs', data: string): Run {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test', 'engine', 'patches', 'public-path-run.ts'), engine, mode, data, tempDir()],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Run;
}

describe('the speed patches and their version guard (src/engine/patches/)', () => {
  it('lists every patch with a file that exists and a guarding test', () => {
    for (const p of PATCHES) {
      for (const file of p.file.split(/,\s*|\s+\(\+?/)) {
        const path = file
          .replace(/[()+]/g, '')
          .replace(/^used by /, '')
          .trim();
        if (path.includes('/')) assert.ok(existsSync(join(ROOT, path)), `${p.file}: ${path} exists`);
      }
      assert.match(p.guard, /test\//, `${p.file} names its guarding test`);
      for (const test of p.guard.match(/test\/[\w/.-]+\.test\.ts/g) ?? [])
        assert.ok(existsSync(join(ROOT, test)), `${test} exists`);
    }
  });

  it('passes the checked versions and names each package that differs', () => {
    assert.equal(versionMismatch({ ...CHECKED_VERSIONS }), null);
    const why = versionMismatch({ ...CHECKED_VERSIONS, '@tensorflow/tfjs-core': '4.23.0' });
    assert.match(why ?? '', /tfjs-core 4\.23\.0/);
    assert.match(why ?? '', /4\.22\.0/);
    assert.doesNotMatch(why ?? '', /tfjs-layers/);
  });

  it('with another tfjs version the engine starts with the patches off, says so, and still trains and predicts', () => {
    const data = trainHead(300);
    const other = run('wasm', 'other-tfjs', data);
    assert.equal(other.engine.name, 'wasm');
    assert.equal(other.speed, null);
    assert.match(other.engine.patchesOff ?? '', /tfjs-core 4\.99\.0/);
    assert.match(other.engine.summary, /speed patches off/);
    assert.equal(other.history.length, 2);
    assert.ok(other.history.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.val_loss)));
    for (const p of other.probabilities) assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  });

  it("trains on tfjs' public API alone as the patched path does (same data and seed, no dropout; within 1e-4)", () => {
    const data = trainHead(300);
    const patched = run('wasm', 'on', data);
    const plain = run('wasm', 'off', data);
    assert.deepEqual(patched.speed, { native: false });
    assert.equal(plain.speed, null);
    assert.equal(patched.engine.patchesOff, null);
    patched.history.forEach((epoch, i) => {
      for (const key of ['loss', 'val_loss'])
        assert.ok(Math.abs(epoch[key] - plain.history[i][key]) < 1e-4, `epoch ${i + 1} ${key}`);
    });
    patched.probabilities.forEach((p, i) =>
      p.forEach((v, k) => assert.ok(Math.abs(v - plain.probabilities[i][k]) < 1e-4, `text ${i} class ${k}`)),
    );
  });

  it('the blas engine needs the patches: asked for with another tfjs version, it is refused with the reason', (t) => {
    if (!needAddon(t)) return;
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'test', 'engine', 'patches', 'public-path-run.ts'),
        'blas',
        'other-tfjs',
        trainHead(50),
        tempDir(),
      ],
      { encoding: 'utf8' },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /speed patches are off/);
  });
});
