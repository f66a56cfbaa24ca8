/**
 * Everything in this tool that leans on a dependency's insides, listed once, with the versions it was
 * checked against. Two kinds:
 * - shims: public API only, needed for correctness (always on);
 * - speed patches: private details of tfjs (and one of XNNPACK), each guarded by a test. They stay off
 *   unless the installed tfjs packages are the checked versions: the engine then runs on tfjs' public
 *   API alone, slower, and its line says why. docs/upgrading.md is the checklist for moving them.
 */
import { createRequire } from 'node:module';
import * as tf from '../tf.ts';
import { installGradientFixes } from './gradient-fixes.ts';
import type { PatchName } from './usage.ts';

/**
 * The packages the speed patches read the insides of, and the versions they were checked against:
 * tfjs, and seedrandom (the dropout patch copies its Alea step to draw tfjs' masks; the one checked is
 * the copy tfjs-core resolves).
 */
export const CHECKED_VERSIONS = {
  '@tensorflow/tfjs-core': '4.22.0',
  '@tensorflow/tfjs-layers': '4.22.0',
  '@tensorflow/tfjs-backend-wasm': '4.22.0',
  '@tensorflow/tfjs-node': '4.22.0',
  seedrandom: '3.0.5',
} as const;

/** A package named in CHECKED_VERSIONS (tfjs' and seedrandom). */
export type TfjsPackage = keyof typeof CHECKED_VERSIONS;
export type TfjsVersions = Partial<Record<TfjsPackage, string>>;

export interface Patch {
  /** The name it marks itself with when it runs (usage.ts): the guard test checks that each ran. */
  name: PatchName;
  /** Where it lives. */
  file: string;
  kind: 'shim' | 'speed';
  /** The dependency whose insides (or behaviour) it relies on. */
  dependency: string;
  /** The detail it uses, which an upgrade may change. */
  leansOn: string;
  /** The test that fails when that detail changes. */
  guard: string;
}

export const PATCHES: readonly Patch[] = [
  {
    name: 'chained-ops',
    file: 'src/engine/patches/chained-ops.ts',
    kind: 'shim',
    dependency: '@tensorflow/tfjs-core',
    leansOn:
      "the chained tensor methods tfjs-layers calls (t.mul(b), …), copied from tfjs-core's public/chained_ops list",
    guard: 'every test that builds a model (test/model/recipe.test.ts)',
  },
  {
    name: 'unpack-gradient',
    file: 'src/engine/patches/gradient-fixes.ts',
    kind: 'shim',
    dependency: '@tensorflow/tfjs-core',
    leansOn:
      "Unpack's gradient receiving one tensor instead of a list (a one-step LSTM batch); public registerGradient",
    guard: 'test/engine/patches/gradient-fixes.test.ts',
  },
  {
    name: 'missing-wasm-kernels',
    file: 'src/engine/patches/wasm-math-kernels.ts',
    kind: 'shim',
    dependency: '@tensorflow/tfjs-backend-wasm',
    leansOn:
      "UnsortedSegmentSum (the embedding's gradient) missing from the wasm backend; registered only while tfjs has none",
    guard: 'test/engine/patches/wasm-kernels.test.ts',
  },
  {
    name: 'seeded-math-random',
    file: 'src/data/random.ts',
    kind: 'shim',
    dependency: '@tensorflow/tfjs-layers',
    leansOn: 'initializers drawing from Math.random (swapped for a seeded stream while a model is built)',
    guard: 'test/train/loop.test.ts (same seed, same weights)',
  },
  {
    name: 'quiet-warning',
    file: 'src/model/quietly.ts',
    kind: 'shim',
    dependency: '@tensorflow/tfjs-layers',
    leansOn: 'the wording of one console.warn line it filters while a model is built',
    guard: 'test/cli/train.test.ts (stderr of a training run)',
  },
  {
    name: 'fused-lstm-class',
    file: 'src/model/lstm/layer.ts',
    kind: 'shim',
    dependency: '@tensorflow/tfjs-layers',
    leansOn:
      "LSTM's class (the constructor of what tf.layers.lstm returns) subclassed and registered as 'LSTM', so every model loaded in the process gets it; its static fromConfig (with its config migration) inherited. Without the speed layer every call is tfjs' own",
    guard: 'test/model/lstm/layer.test.ts',
  },
  {
    name: 'dropout',
    file: 'src/engine/patches/dropout.ts',
    kind: 'speed',
    dependency: '@tensorflow/tfjs-core, seedrandom',
    leansOn:
      "`dropout` replaced on tfjs-core's CommonJS exports (tfjs-layers reads it through getters); seedrandom's Alea step copied",
    guard: 'test/engine/patches/dropout.test.ts',
  },
  {
    name: 'wasm-threads',
    file: 'src/engine/patches/wasm-threads.ts',
    kind: 'speed',
    dependency: '@tensorflow/tfjs-backend-wasm',
    leansOn:
      "wasm-out/*-threaded-simd.js deep-required, os.cpus swapped while it starts, the six cwraps of its init(), Emscripten's PThread.runningWorkers, the worker script",
    guard: 'test/engine/patches/wasm-threads.test.ts',
  },
  {
    name: 'wasm-kernels',
    file: 'src/engine/patches/wasm-kernels.ts (+ wasm-copy-kernels.ts, wasm-math-kernels.ts, clip-gradient.ts)',
    kind: 'speed',
    dependency: '@tensorflow/tfjs-backend-wasm, @tensorflow/tfjs-core',
    leansOn:
      "14 kernels replaced through makeOutput, typedArrayFromHeap and dataIdMap, wrapped in registration order; ClipByValue's gradient re-registered over tfjs-core's (the same formula, one fused kernel)",
    guard: 'test/engine/patches/wasm-kernels.test.ts',
  },
  {
    name: 'native-kernels',
    file: 'src/engine/patches/native-kernels.ts, native/fused-lstm/src/matmul.cc, native/fused-lstm/src/pooling.cc',
    kind: 'speed',
    dependency: '@tensorflow/tfjs-backend-wasm (XNNPACK)',
    leansOn:
      "XNNPACK's summation order, mirrored by the addon's products, and wasm Max's rule for NaN and equal values, so results keep their bits",
    guard: 'test/engine/patches/native-kernels.test.ts',
  },
  {
    name: 'layers-internals',
    file: 'src/engine/patches/layers-internals.ts (used by src/model/lstm/)',
    kind: 'speed',
    dependency: '@tensorflow/tfjs-layers',
    leansOn:
      "the LSTM cell's fields (kernel, recurrentKernel, bias, dropout rates), Bidirectional's forwardLayer/backwardLayer, a layer's inboundNodes and their input/output symbolic tensors (the prefix-forest scorer replays a model's head from them)",
    guard: 'test/model/lstm/sequence-op.test.ts, test/model/lstm/prefix-scoring.test.ts',
  },
  {
    name: 'tensorflow-ops',
    file: 'src/engine/patches/tensorflow-ops.ts (used by src/model/lstm/block-lstm.ts)',
    kind: 'speed',
    dependency: '@tensorflow/tfjs-node',
    leansOn:
      "the backend's executeMultipleOutputs (any TensorFlow op by name), its binding's attribute constants, dist/int64_tensors' Int64Scalar",
    guard: 'test/model/lstm/block-lstm.test.ts',
  },
  {
    name: 'adam-internals',
    file: 'src/engine/patches/adam-internals.ts (used by src/model/adam.ts)',
    kind: 'speed',
    dependency: '@tensorflow/tfjs-core',
    leansOn:
      "AdamOptimizer's private moments and beta powers, read and written by the one-pass update; a large variable's data written in place where the wasm backend's refCount says nothing else shares it (written-in-place.ts tells caches)",
    guard: 'test/model/adam.test.ts',
  },
];

const load = createRequire(import.meta.url);

/**
 * The installed versions of the packages `backend` runs on (the wasm package only for the wasm backend;
 * tfjs-node, or `nodePackage` in its place, only for the tensorflow backend).
 */
export function installedVersions(backend: string, nodePackage = '@tensorflow/tfjs-node'): TfjsVersions {
  const versions: TfjsVersions = {
    '@tensorflow/tfjs-core': tf.version_core,
    '@tensorflow/tfjs-layers': tf.version_layers,
    seedrandom: seedrandomVersion(),
  };
  if (backend === 'wasm')
    versions['@tensorflow/tfjs-backend-wasm'] = (
      load('@tensorflow/tfjs-backend-wasm/package.json') as {
        version: string;
      }
    ).version;
  if (backend === 'tensorflow') {
    try {
      versions['@tensorflow/tfjs-node'] = (load(`${nodePackage}/package.json`) as { version: string }).version;
    } catch {
      // A backend registered under that name by someone else: nothing of tfjs-node's to check.
    }
  }
  return versions;
}

/** The seedrandom tfjs-core draws its dropout masks with (the dropout patch copies its step). */
function seedrandomVersion(): string | undefined {
  try {
    const fromCore = createRequire(load.resolve('@tensorflow/tfjs-core'));
    return (fromCore('seedrandom/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Why the speed patches must stay off with these versions installed, or null when each is the checked one. */
export function versionMismatch(installed: TfjsVersions): string | null {
  const differ = (Object.keys(installed) as TfjsPackage[])
    .filter((pkg) => installed[pkg] !== CHECKED_VERSIONS[pkg])
    .map(
      (pkg) =>
        `${pkg.replace('@tensorflow/', '')} ${installed[pkg] ?? 'not found'} (checked: ${CHECKED_VERSIONS[pkg]})`,
    );
  return differ.length ? differ.join(', ') : null;
}

/** The shims: public API only, on for every engine. */
export function installShims(): void {
  installGradientFixes();
}
