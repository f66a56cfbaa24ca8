import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '../../src/engine/tf.ts';
import {
  chooseNativePackage,
  initEngine,
  planEngine,
  startEngine,
  type EngineProbe,
  quietNativeLogs,
  type NativePackage,
  type PackageLoader,
} from '../../src/engine/engine.ts';
import { addonFailure, describeAddon, loadFusedLstmAddon, type AddonLoad } from '../../src/engine/native-addon.ts';
import { EngineUnavailableError } from '../../src/errors.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { ROOT, tinyModel } from '../helpers.ts';
import { AUTO_ORDER, describeAutoOrder } from '../../src/engine/names.ts';
import { TRAIN_FLAGS } from '../../src/cli/options.ts';

/** A loader that behaves as if exactly `installed` were in node_modules (and `broken` failed to load). */
function simulate(
  installed: NativePackage[],
  broken: Partial<Record<NativePackage, string>> = {},
): { load: PackageLoader; tried: string[] } {
  const tried: string[] = [];
  const load: PackageLoader = async (pkg) => {
    tried.push(pkg);
    if (broken[pkg]) throw new Error(broken[pkg]);
    if (!installed.includes(pkg))
      throw Object.assign(new Error(`Cannot find package '${pkg}' imported from x.js`), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    return {};
  };
  return { load, tried };
}

/** The addon as its loader throws when the build failed (native/fused-lstm/index.cjs). */
function addonAbsent(message: string): AddonLoad {
  return {
    ok: false,
    why: addonFailure(Object.assign(new Error(message), { code: 'SENTIMENT_FUSED_LSTM_UNAVAILABLE' })),
  };
}

/** A stand-in addon: choice logic only, it never computes (the kernels are tested with the real one). */
function addonPresent(): AddonLoad {
  const fail = () => {
    throw new Error('the stand-in addon does not compute');
  };
  return describeAddon({
    sources: 'stand-in',
    forward: fail,
    forwardTree: fail,
    forwardTreePair: fail,
    releaseTreeMemory: fail,
    poolPaths: fail,
    backward: fail,
    adam: fail,
    adamRows: fail,
    matmul: fail,
    segmentSum: fail,
    maxAlong: fail,
    equalAlong: fail,
    info: () => ({ config: 'OpenBLAS 0.3.0 DYNAMIC_ARCH', core: 'Haswell', threads: 2 }),
  });
}

/** What planEngine sees: the native packages `installed` (those in `broken` fail to load), and the addon as given. */
function probe(
  addon: AddonLoad,
  installed: NativePackage[] = [],
  broken: Partial<Record<NativePackage, string>> = {},
): EngineProbe & { loaded: string[] } {
  const sim = simulate(installed, broken);
  return {
    native: (packages) => chooseNativePackage(sim.load, packages),
    installed: (pkg) => installed.includes(pkg),
    addon: () => addon,
    loaded: sim.tried,
  };
}

describe('engine choice', () => {
  it('prefers tfjs-node-gpu, then tfjs-node', async () => {
    const both = simulate(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    assert.deepEqual(await chooseNativePackage(both.load), { ok: true, pkg: '@tensorflow/tfjs-node-gpu', notes: [] });
    assert.deepEqual(both.tried, ['@tensorflow/tfjs-node-gpu']);
    const cpuOnly = simulate(['@tensorflow/tfjs-node']);
    assert.deepEqual(await chooseNativePackage(cpuOnly.load), {
      ok: true,
      pkg: '@tensorflow/tfjs-node',
      notes: ['@tensorflow/tfjs-node-gpu is not installed'],
    });
    const gpuOnly = simulate(['@tensorflow/tfjs-node-gpu']);
    assert.equal(((await chooseNativePackage(gpuOnly.load)) as { pkg: string }).pkg, '@tensorflow/tfjs-node-gpu');
  });

  it('falls through a GPU package that is installed but does not load (no CUDA), saying why', async () => {
    const s = simulate(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'], {
      '@tensorflow/tfjs-node-gpu': 'libcudart.so.11.0: cannot open shared object file\nmore',
    });
    const choice = await chooseNativePackage(s.load);
    assert.deepEqual(choice, {
      ok: true,
      pkg: '@tensorflow/tfjs-node',
      notes: ['@tensorflow/tfjs-node-gpu did not load (libcudart.so.11.0: cannot open shared object file)'],
    });
  });

  it('reports every missing package when none is there', async () => {
    const choice = await chooseNativePackage(simulate([]).load);
    assert.deepEqual(choice, {
      ok: false,
      why: '@tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed',
    });
  });

  it('a tensorflow request without a native package is an error that says how to install one, not a fallback', async () => {
    await assert.rejects(planEngine('tensorflow', probe(addonPresent())), (err: Error) => {
      assert.ok(err instanceof EngineUnavailableError);
      assert.equal(err.engine, 'tensorflow');
      assert.match(
        err.detail,
        /^@tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed\. /,
      );
      assert.match(err.detail, /TFJS_NODE_CDN_STORAGE=.* npm install @tensorflow\/tfjs-node/);
      assert.match(err.detail, /npm install @tensorflow\/tfjs-node-gpu/);
      return true;
    });
  });

  it('auto takes the faster engine per work: blas over tfjs-node whenever the addon is built, without loading tfjs-node', async () => {
    for (const work of ['train', 'score', 'answer'] as const) {
      const p = probe(addonPresent(), ['@tensorflow/tfjs-node']);
      const plan = await planEngine('auto', p, work);
      assert.equal(plan.info.name, 'blas', work);
      assert.deepEqual(p.loaded, [], 'tfjs-node is not even loaded (a second of start-up)');
      assert.match(
        plan.info.reason,
        /^the fastest engine here for .*; @tensorflow\/tfjs-node is installed too, slower here for /,
      );
    }
  });

  it('auto without the addon: tfjs-node for training and scoring a file, plain wasm for a few texts (it starts sooner)', async () => {
    const absent = addonAbsent('not built: OpenBLAS is not installed (no cblas.h)');
    for (const work of ['train', 'score'] as const) {
      const plan = await planEngine('auto', probe(absent, ['@tensorflow/tfjs-node']), work);
      assert.equal(plan.info.name, 'tensorflow', work);
      assert.equal(plan.backend, 'tensorflow');
      assert.equal(plan.addon, null);
      assert.match(
        plan.info.reason,
        /^@tensorflow\/tfjs-node loaded; the native fused LSTM is off: .*OpenBLAS is not installed.* \(native libtensorflow\)$/,
      );
    }
    assert.equal((await planEngine('auto', probe(absent, ['@tensorflow/tfjs-node']), 'answer')).info.name, 'wasm');
  });

  it('auto takes tfjs-node-gpu first whenever it loads; one that does not load is skipped, saying why', async () => {
    const gpu = await planEngine(
      'auto',
      probe(addonPresent(), ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']),
      'train',
    );
    assert.equal(gpu.info.name, 'tensorflow');
    assert.equal(gpu.info.package, '@tensorflow/tfjs-node-gpu');
    assert.match(gpu.info.summary, /CUDA/);
    const noCuda = await planEngine(
      'auto',
      probe(addonPresent(), ['@tensorflow/tfjs-node-gpu'], {
        '@tensorflow/tfjs-node-gpu': 'libcudart.so.11.0: cannot open shared object file',
      }),
      'train',
    );
    assert.equal(noCuda.info.name, 'blas');
    assert.match(noCuda.info.reason, /@tensorflow\/tfjs-node-gpu did not load \(libcudart\.so\.11\.0/);
  });

  it('auto without a native package or the fused-LSTM addon runs plain wasm and says why in one line', async () => {
    const plan = await planEngine(
      'auto',
      probe(addonAbsent('not built: OpenBLAS is not installed (no cblas.h)')),
      'train',
    );
    assert.equal(plan.info.name, 'wasm');
    assert.equal(plan.backend, 'wasm');
    assert.equal(plan.addon, null);
    assert.match(
      plan.info.reason,
      /^the native fused LSTM is off: sentiment-fused-lstm not built: OpenBLAS is not installed \(no cblas\.h\) \(to build it: apt-get install g\+\+ make libopenblas-dev, then npm rebuild sentiment-fused-lstm\); @tensorflow\/tfjs-node is not installed \(its install downloads libtensorflow.*setup:tensorflow.*\); using WebAssembly$/,
    );
    assert.ok(!plan.info.reason.includes('\n'));
    const missing = await planEngine(
      'auto',
      probe({
        ok: false,
        why: addonFailure(
          Object.assign(new Error("Cannot find module 'sentiment-fused-lstm'"), { code: 'MODULE_NOT_FOUND' }),
        ),
      }),
    );
    assert.match(
      missing.info.reason,
      /the native fused LSTM is off: sentiment-fused-lstm is not installed \(to build it: /,
    );
  });

  it('auto without a native package but with the addon runs blas: wasm plus the native LSTM kernels', async () => {
    const present = addonPresent();
    const plan = await planEngine('auto', probe(present));
    assert.equal(plan.info.name, 'blas');
    assert.equal(plan.backend, 'wasm');
    assert.equal(plan.addon, present.ok ? present.addon : null);
    assert.match(
      plan.info.reason,
      / \(WebAssembly with the native fused LSTM: OpenBLAS 0\.3\.0, Haswell kernels.*, 2 threads\)$/,
    );
  });

  it('a blas request without the addon is an error that says how to build it, not a fallback', async () => {
    await assert.rejects(planEngine('blas', probe(addonAbsent('not built: no C++ compiler or make'))), (err: Error) => {
      assert.ok(err instanceof EngineUnavailableError);
      assert.equal(err.engine, 'blas');
      assert.equal(
        err.detail,
        'sentiment-fused-lstm not built: no C++ compiler or make; to build it: apt-get install g++ make libopenblas-dev, then npm rebuild sentiment-fused-lstm.',
      );
      return true;
    });
  });

  it('the running engine hands the LSTM the addon on blas only; wasm is the plain path again', async () => {
    if (!loadFusedLstmAddon().ok && process.env.SENTIMENT_REQUIRE_NATIVE)
      assert.fail('the fused-LSTM addon is required here');
    if (loadFusedLstmAddon().ok) {
      const blas = await startEngine('blas');
      assert.equal(blas.info.name, 'blas');
      assert.equal(tf.getBackend(), 'wasm');
      assert.notEqual(blas.speed?.native ?? null, null);
    }
    const wasm = await startEngine('wasm');
    assert.equal(wasm.info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(wasm.speed?.native, null);
    assert.equal((await startEngine('cpu')).speed?.native, null);
    await initEngine('wasm');
  });

  it('a model trained on one engine predicts the same on another (wasm → cpu, and blas ↔ wasm where the addon is built; within 2e-6)', async () => {
    const texts = ['not good', 'a series of escapades demonstrating the adage', 'good for the goose', 'xyzzy'];
    if (!loadFusedLstmAddon().ok && process.env.SENTIMENT_REQUIRE_NATIVE)
      assert.fail('the fused-LSTM addon is required here');
    const on = async (dir: string, engine: 'wasm' | 'cpu' | 'blas') => {
      const { speed } = await startEngine(engine);
      const loaded = await loadModelDirectory(dir, undefined, speed);
      try {
        // The network's own answers, not the phrase memory's (which no engine computes).
        return new Predictor(loaded, { memory: false }).predict(texts).predictions.map((p) => p.probabilities);
      } finally {
        loaded.dispose();
      }
    };
    // Float rounding between kernels is ~1e-8 here; a wrong gate or a missed step moves these by 1e-3 or more.
    const same = (a: number[][], b: number[][], what: string) =>
      a.forEach((row, i) =>
        row.forEach((p, j) =>
          assert.ok(Math.abs(p - b[i][j]) <= 2e-6, `${what}: ${texts[i]}[${j}]: ${p} vs ${b[i][j]}`),
        ),
      );
    const dir = await tinyModel({ rows: 300, epochs: 3 });
    const answers = await on(dir, 'wasm');
    const spread = Math.max(...answers.map((p) => Math.max(...p))) - Math.min(...answers.map((p) => Math.max(...p)));
    assert.ok(spread > 1e-3, `the model's answers differ by text (${spread})`);
    same(await on(dir, 'wasm'), await on(dir, 'cpu'), 'trained on wasm, wasm vs cpu');
    if (loadFusedLstmAddon().ok) {
      same(await on(dir, 'blas'), await on(dir, 'wasm'), 'trained on wasm, blas vs wasm');
      const onBlas = await tinyModel({ rows: 300, backend: 'blas' });
      same(await on(onBlas, 'wasm'), await on(onBlas, 'blas'), 'trained on blas, wasm vs blas');
    }
    await initEngine('wasm');
  });
});

describe("TensorFlow's native log lines", () => {
  it('are quieted unless asked for, and oneDNN stays off unless the user chose (its notice ignores log levels)', () => {
    const env: NodeJS.ProcessEnv = {};
    quietNativeLogs(false, env);
    assert.deepEqual(env, { TF_CPP_MIN_LOG_LEVEL: '2', TF_ENABLE_ONEDNN_OPTS: '0' });
    const verbose: NodeJS.ProcessEnv = {};
    quietNativeLogs(true, verbose);
    assert.deepEqual(verbose, { TF_ENABLE_ONEDNN_OPTS: '0' });
    const chosen: NodeJS.ProcessEnv = { TF_CPP_MIN_LOG_LEVEL: '0', TF_ENABLE_ONEDNN_OPTS: '1' };
    quietNativeLogs(false, chosen);
    assert.deepEqual(chosen, { TF_CPP_MIN_LOG_LEVEL: '0', TF_ENABLE_ONEDNN_OPTS: '1' });
  });
});

describe("auto's order, written once (AUTO_ORDER)", () => {
  it('docs/engines.md and the --backend help say what AUTO_ORDER says', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'engines.md'), 'utf8');
    for (const work of ['train', 'score', 'answer'] as const) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${work}\``));
      assert.ok(row, `docs/engines.md has a row for ${work}`);
      assert.equal(row.split('|')[2].trim(), AUTO_ORDER[work].join(', '), work);
    }
    assert.ok(TRAIN_FLAGS.backend.description.includes(describeAutoOrder()));
    for (const work of ['train', 'score', 'answer'] as const)
      assert.ok(describeAutoOrder().includes(AUTO_ORDER[work].join(', ')), work);
  });
});
