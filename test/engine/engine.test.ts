import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { chooseNativePackage, EngineUnavailableError, initEngine, type NativePackage, type PackageLoader } from '../../src/engine/engine.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { tinyModel } from '../helpers.ts';

/** A loader that behaves as if exactly `installed` were in node_modules (and `broken` failed to load). */
function simulate(installed: NativePackage[], broken: Partial<Record<NativePackage, string>> = {}): { load: PackageLoader; tried: string[] } {
  const tried: string[] = [];
  const load: PackageLoader = async (pkg) => {
    tried.push(pkg);
    if (broken[pkg]) throw new Error(broken[pkg]);
    if (!installed.includes(pkg)) throw Object.assign(new Error(`Cannot find package '${pkg}' imported from x.js`), { code: 'ERR_MODULE_NOT_FOUND' });
    return {};
  };
  return { load, tried };
}

describe('engine choice', () => {
  it('prefers tfjs-node-gpu, then tfjs-node', async () => {
    const both = simulate(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    assert.deepEqual(await chooseNativePackage(both.load), { ok: true, pkg: '@tensorflow/tfjs-node-gpu', notes: [] });
    assert.deepEqual(both.tried, ['@tensorflow/tfjs-node-gpu']);
    const cpuOnly = simulate(['@tensorflow/tfjs-node']);
    assert.deepEqual(await chooseNativePackage(cpuOnly.load), { ok: true, pkg: '@tensorflow/tfjs-node', notes: ['@tensorflow/tfjs-node-gpu is not installed'] });
    const gpuOnly = simulate(['@tensorflow/tfjs-node-gpu']);
    assert.equal(((await chooseNativePackage(gpuOnly.load)) as { pkg: string }).pkg, '@tensorflow/tfjs-node-gpu');
  });

  it('falls through a GPU package that is installed but does not load (no CUDA), saying why', async () => {
    const s = simulate(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'], { '@tensorflow/tfjs-node-gpu': 'libcudart.so.11.0: cannot open shared object file\nmore' });
    const choice = await chooseNativePackage(s.load);
    assert.deepEqual(choice, { ok: true, pkg: '@tensorflow/tfjs-node', notes: ['@tensorflow/tfjs-node-gpu did not load (libcudart.so.11.0: cannot open shared object file)'] });
  });

  it('reports every missing package when none is there', async () => {
    const choice = await chooseNativePackage(simulate([]).load);
    assert.deepEqual(choice, { ok: false, why: '@tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed' });
  });

  it('--backend tensorflow without a native package is an error that says how to install one, not a fallback', async () => {
    await assert.rejects(initEngine('tensorflow', simulate([]).load), (err: Error) => {
      assert.ok(err instanceof EngineUnavailableError);
      assert.match(err.message, /^--backend tensorflow: @tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed\. /);
      assert.match(err.message, /TFJS_NODE_CDN_STORAGE=.* npm install @tensorflow\/tfjs-node/);
      assert.match(err.message, /npm install @tensorflow\/tfjs-node-gpu/);
      return true;
    });
  });

  it('auto without a native package runs wasm and says why in one line', async () => {
    const info = await initEngine('auto', simulate([]).load);
    assert.equal(info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(info.reason, /^@tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed \(its install downloads libtensorflow.*TFJS_NODE_CDN_STORAGE.*\); using WebAssembly$/);
    assert.ok(!info.reason.includes('\n'));
  });

  it('a model trained on one engine predicts the same on another (wasm → cpu, within 1e-4)', async () => {
    const dir = await tinyModel({ rows: 300 });
    const texts = ['not good', 'a series of escapades demonstrating the adage', 'good for the goose', 'xyzzy'];
    const on = async (engine: 'wasm' | 'cpu') => {
      await initEngine(engine);
      const loaded = await loadModelDirectory(dir);
      try {
        return new Predictor(loaded).predict(texts).predictions.map((p) => p.probabilities);
      } finally {
        loaded.model.dispose();
      }
    };
    const wasm = await on('wasm');
    const cpu = await on('cpu');
    wasm.forEach((row, i) => row.forEach((p, j) => assert.ok(Math.abs(p - cpu[i][j]) <= 1e-4, `${texts[i]}[${j}]: ${p} vs ${cpu[i][j]}`)));
    await initEngine('wasm');
  });
});
