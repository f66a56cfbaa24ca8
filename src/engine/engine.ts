/**
 * Picks and starts the compute engine. `auto` uses tfjs-node (native libtensorflow) when it loads,
 * else the WebAssembly backend with the native fused LSTM (`blas`) when that addon is built, else
 * plain WebAssembly, and always says which one runs and why.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import * as tf from './tf.ts';
import { EngineUnavailableError } from '../errors.ts';
import { AUTO_ORDER, type EngineName, type EngineRequest, type EngineWork } from './names.ts';

export { AUTO_ORDER, type EngineWork } from './names.ts';
import { ADDON_HINT, type AddonLoad, type FusedLstmAddon, loadFusedLstmAddon } from './native-addon.ts';
import { installFastDropout } from './patches/dropout.ts';
import { installedVersions, installShims, type TfjsVersions, versionMismatch } from './patches/index.ts';
import { installMissingWasmKernels, installWasmKernelFixes } from './patches/wasm-kernels.ts';
import { useWasmThreads, wasmThreads, wasmThreadsFailure } from './patches/wasm-threads.ts';
import type { SpeedLayer } from './speed-layer.ts';
import { tensorflowOps } from './patches/tensorflow-ops.ts';

export { ENGINE_CHOICES, type EngineName, type EngineRequest } from './names.ts';

export interface EngineInfo {
  name: EngineName;
  /** The npm package behind it. */
  package: string;
  /** Why this engine runs, in full (`--verbose`). */
  reason: string;
  /** The engine in a few words: what a command prints by default. */
  summary: string;
  /** Set when `auto` settled for plain WebAssembly: how much faster training would be with the native kernel, and how to get it. */
  fasterWith: string | null;
  /** Why the speed patches are off (the engine runs on tfjs' public API alone), or null when they are on. */
  patchesOff?: string | null;
}

/** The running engine: what it is, and the speed layer it hands the models it runs (null: patches off). */
export interface Engine {
  info: EngineInfo;
  speed: SpeedLayer | null;
}

const FASTER_WITH_BLAS = `the native fused LSTM is off, and training with it is about 3½× faster (${ADDON_HINT})`;

/** The native packages, most wanted first: both register the `tensorflow` backend. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
export type NativePackage = (typeof NATIVE_PACKAGES)[number];

/** Imports a package by name. */
export type PackageLoader = (pkg: NativePackage) => Promise<unknown>;

// A variable specifier: the optional packages may be absent when TypeScript compiles.
const importPackage: PackageLoader = (pkg) => import(pkg);

export const INSTALL_HINT =
  'tfjs-node downloads libtensorflow from storage.googleapis.com when it installs; where that is blocked, ' +
  'build it against a libtensorflow you have: npm run setup:tensorflow -- <libtensorflow .tar.gz, TensorFlow wheel or directory> ' +
  '(or install from a mirror: TFJS_NODE_CDN_STORAGE=https://mirror.example/ npm install @tensorflow/tfjs-node); ' +
  'on a CUDA machine, npm install @tensorflow/tfjs-node-gpu';

export type NativeChoice = { ok: true; pkg: NativePackage; notes: string[] } | { ok: false; why: string };

/**
 * TensorFlow's C++ logging (absl's start-up warning, CPU-feature notices) is off unless the user set
 * its variables or asked to see it: it must be set before libtensorflow loads. On CPUs with AVX-512
 * VNNI (or AMX) TensorFlow 2.21 turns on oneDNN's custom ops and says so through absl before its log
 * level is read, so no log setting hides that line; unless the user chose (TF_ENABLE_ONEDNN_OPTS),
 * they stay off, which also keeps the tensorflow engine's results the same on every CPU.
 */
export function quietNativeLogs(verbose: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (!verbose && env.TF_CPP_MIN_LOG_LEVEL === undefined) env.TF_CPP_MIN_LOG_LEVEL = '2';
  if (env.TF_ENABLE_ONEDNN_OPTS === undefined) env.TF_ENABLE_ONEDNN_OPTS = '0';
}

/** The first of `packages` that loads, most wanted first. Says why each one before it did not. */
export async function chooseNativePackage(
  load: PackageLoader = importPackage,
  packages: readonly NativePackage[] = NATIVE_PACKAGES,
): Promise<NativeChoice> {
  const notes: string[] = [];
  for (const pkg of packages) {
    try {
      await load(pkg);
      return { ok: true, pkg, notes };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const missing = (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && e.message.includes(pkg);
      notes.push(missing ? `${pkg} is not installed` : `${pkg} did not load (${e.message.split('\n')[0]})`);
    }
  }
  return { ok: false, why: notes.join('; ') };
}

/** What is installed, asked only when a request needs to know. */
export interface EngineProbe {
  /** Loads the first of `packages` that loads. */
  native(packages: readonly NativePackage[]): Promise<NativeChoice>;
  /** Whether `pkg` is installed, without loading it (loading tfjs-node takes about a second). */
  installed(pkg: NativePackage): boolean;
  addon(): AddonLoad;
}

const resolvePackage = createRequire(import.meta.url);
const INSTALLED: EngineProbe = {
  native: (packages) => chooseNativePackage(importPackage, packages),
  installed: (pkg) => {
    try {
      resolvePackage.resolve(pkg);
      return true;
    } catch {
      return false;
    }
  },
  addon: loadFusedLstmAddon,
};

/** The engine a request gets, as a decision: which backend to start, with which LSTM kernels, and why. */
export interface EnginePlan {
  info: EngineInfo;
  backend: 'tensorflow' | 'wasm' | 'cpu';
  /** The native LSTM (the `blas` engine). */
  addon: FusedLstmAddon | null;
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const BLAS_PACKAGE = `${WASM_PACKAGE} + sentiment-fused-lstm`;
const CPU_PACKAGE: NativePackage = '@tensorflow/tfjs-node';
const GPU_PACKAGE: NativePackage = '@tensorflow/tfjs-node-gpu';

const WORK_WORDS: Record<EngineWork, string> = { train: 'training', score: 'scoring a file', answer: 'a few texts' };

function tensorflowPlan(native: NativeChoice & { ok: true }, why: string): EnginePlan {
  const kind = native.pkg === GPU_PACKAGE ? 'native libtensorflow with CUDA' : 'native libtensorflow';
  const reason = `${why} (${kind})${native.notes.length ? `; ${native.notes.join('; ')}` : ''}`;
  return {
    info: {
      name: 'tensorflow',
      package: native.pkg,
      reason,
      summary: `tensorflow (${native.pkg}: ${kind})`,
      fasterWith: null,
    },
    backend: 'tensorflow',
    addon: null,
  };
}

function blasPlan(addon: AddonLoad & { ok: true }, why: string): EnginePlan {
  return {
    info: {
      name: 'blas',
      package: BLAS_PACKAGE,
      reason: `${why} (WebAssembly with the native fused LSTM: ${addon.description})`,
      summary: blasSummary(addon.description),
      fasterWith: null,
    },
    backend: 'wasm',
    addon: addon.addon,
  };
}

/**
 * Decides which engine `request` gets for `work` with what `probe` finds installed; an engine asked for
 * by name that is not there is an error, never a fallback.
 */
export async function planEngine(
  request: EngineRequest,
  probe: EngineProbe = INSTALLED,
  work: EngineWork = 'answer',
  patchesOff: string | null = null,
): Promise<EnginePlan> {
  if (patchesOff) probe = withoutAddon(probe, patchesOff);
  if (request === 'tensorflow') {
    const native = await probe.native(NATIVE_PACKAGES);
    if (!native.ok) throw new EngineUnavailableError('tensorflow', `${native.why}. ${INSTALL_HINT}.`);
    return tensorflowPlan(native, 'asked for');
  }
  if (request === 'blas') {
    const addon = probe.addon();
    if (!addon.ok) throw new EngineUnavailableError('blas', `${addon.why}; ${ADDON_HINT}.`);
    return blasPlan(addon, 'asked for');
  }
  if (request === 'wasm')
    return {
      info: {
        name: 'wasm',
        package: WASM_PACKAGE,
        reason: 'asked for (plain WebAssembly, without the native fused LSTM)',
        summary: 'wasm (WebAssembly, as asked)',
        fasterWith: null,
      },
      backend: 'wasm',
      addon: null,
    };
  if (request === 'cpu')
    return {
      info: {
        name: 'cpu',
        package: '@tensorflow/tfjs-backend-cpu',
        reason: 'asked for (pure JavaScript: very slow for training)',
        summary: 'cpu (pure JavaScript, as asked)',
        fasterWith: null,
      },
      backend: 'cpu',
      addon: null,
    };
  // auto: a GPU package that loads first, then the fastest engine here for the work.
  const gpu = probe.installed(GPU_PACKAGE) ? await probe.native([GPU_PACKAGE]) : null;
  if (gpu?.ok) return tensorflowPlan(gpu, `${GPU_PACKAGE} loaded`);
  const skipped: string[] = gpu ? [gpu.why] : [];
  for (const name of AUTO_ORDER[work]) {
    if (name === 'blas') {
      const addon = probe.addon();
      if (addon.ok) {
        const also = probe.installed(CPU_PACKAGE)
          ? `; ${CPU_PACKAGE} is installed too, slower here for ${WORK_WORDS[work]} (docs/engines.md)`
          : '';
        return blasPlan(
          addon,
          `the fastest engine here for ${WORK_WORDS[work]}${also}${skipped.length ? `; ${skipped.join('; ')}` : ''}`,
        );
      }
      skipped.push(`the native fused LSTM is off: ${addon.why} (${ADDON_HINT})`);
    } else if (name === 'tensorflow') {
      if (!probe.installed(CPU_PACKAGE)) {
        skipped.push(
          `${CPU_PACKAGE} is not installed (its install downloads libtensorflow from Google storage, which failed or was skipped; npm run setup:tensorflow builds it from a local libtensorflow: README, Troubleshooting)`,
        );
        continue;
      }
      const native = await probe.native([CPU_PACKAGE]);
      if (native.ok)
        return tensorflowPlan(native, `${CPU_PACKAGE} loaded${skipped.length ? `; ${skipped.join('; ')}` : ''}`);
      skipped.push(native.why);
    } else {
      const addon = probe.addon();
      return {
        info: {
          name: 'wasm',
          package: WASM_PACKAGE,
          reason: `${skipped.length ? `${skipped.join('; ')}; ` : ''}using WebAssembly`,
          summary: addon.ok ? 'wasm (WebAssembly)' : `wasm (WebAssembly; ${addon.why})`,
          fasterWith: addon.ok ? null : FASTER_WITH_BLAS,
        },
        backend: 'wasm',
        addon: null,
      };
    }
  }
  throw new EngineUnavailableError('auto', skipped.join('; '));
}

/** The blas engine's kernels run through the speed patches: with those off it is not there. */
function withoutAddon(probe: EngineProbe, why: string): EngineProbe {
  return { ...probe, addon: () => ({ ok: false, why: `the speed patches are off (${why}): docs/upgrading.md` }) };
}

let current: Engine | null = null;

export interface EngineOptions {
  /** Default `answer`: what `auto` picks for and the WebAssembly threads. Taken at the backend's first start in a process. */
  work?: EngineWork;
  /** Let TensorFlow's C++ log lines through (off by default; see quietNativeLogs). */
  nativeLogs?: boolean;
  /** false: run on tfjs' public API alone. Default: on when the installed tfjs is the checked version. */
  speedPatches?: boolean;
  /** The installed tfjs versions the guard compares (default: read from the packages). */
  versions?: TfjsVersions;
}

/** The WebAssembly threads `work` gets on the engine `name`. */
export function wasmThreadsFor(work: EngineWork, name: EngineName): number {
  if (work === 'answer' || (work === 'train' && name !== 'wasm')) return 1;
  return availableParallelism();
}

/** Starts the engine `request` gets; see startEngine. */
export async function initEngine(request: EngineRequest = 'auto', options: EngineOptions = {}): Promise<EngineInfo> {
  return (await startEngine(request, options)).info;
}

/**
 * Starts the engine `request` gets (once: a later call for the same engine, or `auto`, returns the running
 * one), with the speed patches on when the installed tfjs is the version they were checked against.
 */
export async function startEngine(request: EngineRequest = 'auto', options: EngineOptions = {}): Promise<Engine> {
  if (current && (request === 'auto' || request === current.info.name)) return current;
  quietNativeLogs(options.nativeLogs === true);
  const work = options.work ?? 'answer';
  const off = (backend: string, nodePackage?: string) =>
    options.speedPatches === false
      ? 'turned off'
      : versionMismatch(options.versions ?? installedVersions(backend, nodePackage));
  // The wasm package's version matters only where it runs; blas and wasm both need it checked.
  const patchesOff = off('wasm');
  const plan = await planEngine(request, INSTALLED, work, patchesOff);
  const patchesOffHere = plan.backend === 'wasm' ? patchesOff : off(plan.backend, plan.info.package);
  installShims();
  if (!patchesOffHere) installFastDropout();
  if (plan.backend === 'wasm') {
    tf.loadBackendPackage('@tensorflow/tfjs-backend-wasm');
    installMissingWasmKernels();
    if (!patchesOffHere) {
      installWasmKernelFixes(() =>
        current?.speed?.native && tf.getBackend() === 'wasm' ? current.speed.native : null,
      );
      useWasmThreads(wasmThreadsFor(work, plan.info.name));
    }
  } else if (plan.backend === 'cpu') {
    tf.loadBackendPackage('@tensorflow/tfjs-backend-cpu');
  }
  const ok = await tf.setBackend(plan.backend);
  if (!ok) throw new EngineUnavailableError(plan.info.name, `the ${plan.backend} backend failed to start`);
  await tf.ready();
  const described =
    plan.backend === 'wasm' ? withThreads(plan) : plan.backend === 'tensorflow' ? withLibtensorflow(plan) : plan;
  current = {
    info: withPatches(described.info, patchesOffHere),
    speed: patchesOffHere
      ? null
      : { native: plan.addon, tensorflow: plan.backend === 'tensorflow' ? tensorflowOps(plan.info.package) : null },
  };
  return current;
}

/** An engine without its speed patches says so, and why, in its summary and its reason. */
function withPatches(info: EngineInfo, off: string | null): EngineInfo {
  if (!off) return { ...info, patchesOff: null };
  const note = `speed patches off: ${off}; tfjs' public API alone (docs/upgrading.md)`;
  return { ...info, patchesOff: off, summary: `${info.summary}; ${note}`, reason: `${info.reason}; ${note}` };
}

/** The tensorflow engine names the libtensorflow it runs on (tfjs-node was built for 2.9.1; a local build may differ). */
function withLibtensorflow(plan: EnginePlan): EnginePlan {
  const binding = (tf.backend() as unknown as { binding?: { TF_Version?: unknown } }).binding;
  const version = typeof binding?.TF_Version === 'string' ? binding.TF_Version : null;
  if (!version) return plan;
  const summary = plan.info.summary.replace(/^tensorflow \(([^:]+):/, `tensorflow ($1, libtensorflow ${version}:`);
  return { ...plan, info: { ...plan.info, summary, reason: `${plan.info.reason}; libtensorflow ${version}` } };
}

/** A WebAssembly engine says how many threads it runs on, and why one when more were asked for and failed. */
function withThreads(plan: EnginePlan): EnginePlan {
  const threads = wasmThreads();
  const failure = wasmThreadsFailure();
  if (threads <= 1 && !failure) return plan;
  const n = `${threads} thread${threads === 1 ? '' : 's'}`;
  const summary = plan.info.summary
    .replace(/^wasm \(WebAssembly/, `wasm (WebAssembly, ${n}`)
    .replace(/^blas \(WebAssembly/, `blas (WebAssembly on ${n}`);
  return {
    ...plan,
    info: {
      ...plan.info,
      summary,
      reason: `${plan.info.reason}; ${n}${failure ? ` (the threaded build failed: ${failure})` : ''}`,
    },
  };
}

/** The engine in full: the package, its version and why it runs. */
export function describeEngine(info: EngineInfo): string {
  return `${info.name} (${info.package} ${tf.version_core}): ${info.reason}`;
}

function blasSummary(addon: string): string {
  return `blas (WebAssembly + native fused LSTM: ${addon})`;
}
