import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { availableParallelism } from 'node:os';
import { CHECKED_VERSIONS, installedVersions, PATCHES, versionMismatch } from '../../../src/engine/patches/index.ts';
import { PATCH_NAMES, type PatchName } from '../../../src/engine/patches/usage.ts';
import { loadFusedLstmAddon } from '../../../src/engine/native-addon.ts';
import { needAddon, needTensorflow, ROOT, tempDir, trainHead } from '../../helpers.ts';

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

async function tensorflowLoads(): Promise<boolean> {
  const { chooseNativePackage } = await import('../../../src/engine/engine.ts');
  return (await chooseNativePackage(undefined, ['@tensorflow/tfjs-node'])).ok;
}

/** The patches that ran in a fresh process that trained, loaded and scored a small model (public-path-run.ts, exercise). */
function exercised(engine: 'wasm' | 'blas' | 'tensorflow', mode: 'on' | 'off', data: string): PatchName[] {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'test', 'engine', 'patches', 'public-path-run.ts'),
      engine,
      mode,
      data,
      tempDir(),
      'exercise',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as { ran: PatchName[] }).ran;
}

describe('the speed patches and their version guard (src/engine/patches/)', () => {
  it('names each patch once, with the name it marks itself with when it runs', () => {
    assert.deepEqual(PATCHES.map((p) => p.name).sort(), [...PATCH_NAMES].sort());
  });

  it('every patch runs when a model is trained, loaded and scored (a guard over a patch that never runs guards nothing)', async (t) => {
    const data = trainHead(200);
    const ran = new Set([...exercised('wasm', 'off', data), ...exercised('wasm', 'on', data)]);
    // What this machine cannot run, said as a skip (CI, which has the addon and tfjs-node, requires both).
    const missing: string[] = [];
    if (loadFusedLstmAddon().ok || process.env.SENTIMENT_REQUIRE_NATIVE) {
      if (needAddon(t)) for (const name of exercised('blas', 'on', data)) ran.add(name);
    } else missing.push('native-kernels (no fused-LSTM addon)');
    if ((await tensorflowLoads()) || process.env.SENTIMENT_REQUIRE_TENSORFLOW) {
      if (await needTensorflow(t)) for (const name of exercised('tensorflow', 'on', data)) ran.add(name);
    } else missing.push('tensorflow-ops (no tfjs-node)');
    const notHere = new Set(missing.map((m) => m.split(' ')[0]));
    if (availableParallelism() < 2) {
      notHere.add('wasm-threads');
      missing.push('wasm-threads (one core)');
    }
    for (const name of PATCH_NAMES) if (!notHere.has(name)) assert.ok(ran.has(name), `${name} ran`);
    if (missing.length) t.diagnostic(`not exercised on this machine: ${missing.join('; ')}`);
  });

  it('checks seedrandom (whose Alea step the dropout patch copies) as it checks tfjs', () => {
    assert.equal(installedVersions('wasm').seedrandom, CHECKED_VERSIONS.seedrandom);
    assert.match(
      versionMismatch({ ...CHECKED_VERSIONS, seedrandom: '3.1.0' }) ?? '',
      /seedrandom 3\.1\.0 \(checked: 3\.0\.5\)/,
    );
  });

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
