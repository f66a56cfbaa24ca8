/**
 * Picks and starts the compute engine. `auto` uses tfjs-node (native libtensorflow) when it loads,
 * else the WebAssembly backend with the native fused LSTM (`blas`) when that addon is built, else
 * plain WebAssembly, and always says which one runs and why.
 */
import { availableParallelism } from 'node:os';
import * as tf from './tf.ts';
import { EngineUnavailableError } from '../errors.ts';
import type { EngineName, EngineRequest } from './names.ts';
import { installGradientFixes } from './gradient-fixes.ts';
import { ADDON_HINT, type AddonLoad, type FusedLstmAddon, loadFusedLstmAddon } from './native-addon.ts';
import { installFastDropout } from './dropout.ts';
import { installWasmKernelFixes } from './wasm-kernels.ts';
import { useWasmThreads, wasmThreads, wasmThreadsFailure } from './wasm-threads.ts';

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
  'install it from a mirror: TFJS_NODE_CDN_STORAGE=https://mirror.example/ npm install @tensorflow/tfjs-node ' +
  '(or TFJS_NODE_BASE_URI=<URL prefix of the libtensorflow archive>, e.g. a pre-downloaded archive served locally); ' +
  'on a CUDA machine, npm install @tensorflow/tfjs-node-gpu';

export type NativeChoice = { ok: true; pkg: NativePackage; notes: string[] } | { ok: false; why: string };

/** The first native package that loads: the GPU one, then the CPU one. Says why each one before it did not. */
export async function chooseNativePackage(load: PackageLoader = importPackage): Promise<NativeChoice> {
  const notes: string[] = [];
  for (const pkg of NATIVE_PACKAGES) {
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
  native(): Promise<NativeChoice>;
  addon(): AddonLoad;
}

const INSTALLED: EngineProbe = { native: () => chooseNativePackage(), addon: loadFusedLstmAddon };

/** The engine a request gets, as a decision: which backend to start, with which LSTM kernels, and why. */
export interface EnginePlan {
  info: EngineInfo;
  backend: 'tensorflow' | 'wasm' | 'cpu';
  /** The native LSTM (the `blas` engine). */
  addon: FusedLstmAddon | null;
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const BLAS_PACKAGE = `${WASM_PACKAGE} + sentiment-fused-lstm`;

/** Decides which engine `request` gets with what `probe` finds installed; an engine asked for by name that is not there is an error, never a fallback. */
export async function planEngine(request: EngineRequest, probe: EngineProbe = INSTALLED): Promise<EnginePlan> {
  if (request === 'auto' || request === 'tensorflow') {
    const native = await probe.native();
    if (native.ok) {
      const why = native.pkg.endsWith('-gpu') ? 'native libtensorflow with CUDA' : 'native libtensorflow';
      const reason = `${request === 'auto' ? `${native.pkg} loaded` : 'asked for'} (${why})${native.notes.length ? `; ${native.notes.join('; ')}` : ''}`;
      return { info: { name: 'tensorflow', package: native.pkg, reason, summary: `tensorflow (${native.pkg}: ${why})`, fasterWith: null }, backend: 'tensorflow', addon: null };
    }
    if (request === 'tensorflow') throw new EngineUnavailableError('tensorflow', `${native.why}. ${INSTALL_HINT}.`);
    const hint = 'its install downloads libtensorflow from Google storage, which failed or was skipped; to install from a mirror: TFJS_NODE_CDN_STORAGE=<mirror> npm install @tensorflow/tfjs-node (README: Engines)';
    const addon = probe.addon();
    return addon.ok
      ? { info: { name: 'blas', package: BLAS_PACKAGE, reason: `${native.why} (${hint}); using WebAssembly with the native fused LSTM (${addon.description})`, summary: blasSummary(addon.description), fasterWith: null }, backend: 'wasm', addon: addon.addon }
      : {
          info: { name: 'wasm', package: WASM_PACKAGE, reason: `${native.why} (${hint}); using WebAssembly; the native fused LSTM is off: ${addon.why} (${ADDON_HINT})`, summary: `wasm (WebAssembly; ${addon.why})`, fasterWith: FASTER_WITH_BLAS },
          backend: 'wasm',
          addon: null,
        };
  }
  if (request === 'blas') {
    const addon = probe.addon();
    if (!addon.ok) throw new EngineUnavailableError('blas', `${addon.why}; ${ADDON_HINT}.`);
    return { info: { name: 'blas', package: BLAS_PACKAGE, reason: `asked for (WebAssembly with the native fused LSTM: ${addon.description})`, summary: blasSummary(addon.description), fasterWith: null }, backend: 'wasm', addon: addon.addon };
  }
  if (request === 'wasm') return { info: { name: 'wasm', package: WASM_PACKAGE, reason: 'asked for (plain WebAssembly, without the native fused LSTM)', summary: 'wasm (WebAssembly, as asked)', fasterWith: null }, backend: 'wasm', addon: null };
  return { info: { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', reason: 'asked for (pure JavaScript: very slow for training)', summary: 'cpu (pure JavaScript, as asked)', fasterWith: null }, backend: 'cpu', addon: null };
}

let current: EnginePlan | null = null;

/**
 * What an engine is started for; the WebAssembly backend's threads follow from it (A/Bs in
 * docs/engines.md): `train` runs plain wasm on a thread per core and blas on one (there XNNPACK's
 * threads only compete with OpenBLAS'); `score` (a file of rows) runs both on a thread per core;
 * `answer` (a few texts) on one, which starts ~0.9 s sooner.
 */
export type EngineWork = 'train' | 'score' | 'answer';

export interface EngineOptions {
  /** Default `answer`. Taken at the backend's first start in a process. */
  work?: EngineWork;
}

/** The WebAssembly threads `work` gets on the engine `name`. */
export function wasmThreadsFor(work: EngineWork, name: EngineName): number {
  if (work === 'answer' || (work === 'train' && name !== 'wasm')) return 1;
  return availableParallelism();
}

/** Starts the engine `request` gets (once: a later call for the same engine, or `auto`, returns the running one). */
export async function initEngine(request: EngineRequest = 'auto', options: EngineOptions = {}): Promise<EngineInfo> {
  if (current && (request === 'auto' || request === current.info.name)) return current.info;
  const plan = await planEngine(request);
  installGradientFixes();
  installFastDropout();
  if (plan.backend === 'wasm') {
    tf.loadBackendPackage('@tensorflow/tfjs-backend-wasm');
    installWasmKernelFixes(nativeLstmAddon);
    useWasmThreads(wasmThreadsFor(options.work ?? 'answer', plan.info.name));
  } else if (plan.backend === 'cpu') {
    tf.loadBackendPackage('@tensorflow/tfjs-backend-cpu');
  }
  const ok = await tf.setBackend(plan.backend);
  if (!ok) throw new EngineUnavailableError(plan.info.name, `the ${plan.backend} backend failed to start`);
  await tf.ready();
  current = plan.backend === 'wasm' ? withThreads(plan) : plan;
  return current.info;
}

/** A WebAssembly engine says how many threads it runs on, and why one when more were asked for and failed. */
function withThreads(plan: EnginePlan): EnginePlan {
  const threads = wasmThreads();
  const failure = wasmThreadsFailure();
  if (threads <= 1 && !failure) return plan;
  const n = `${threads} thread${threads === 1 ? '' : 's'}`;
  const summary = plan.info.summary.replace(/^wasm \(WebAssembly/, `wasm (WebAssembly, ${n}`).replace(/^blas \(WebAssembly/, `blas (WebAssembly on ${n}`);
  return { ...plan, info: { ...plan.info, summary, reason: `${plan.info.reason}; ${n}${failure ? ` (the threaded build failed: ${failure})` : ''}` } };
}

/** The native LSTM addon when the running engine is `blas`, else null: the LSTM asks this to choose its kernels. */
export function nativeLstmAddon(): FusedLstmAddon | null {
  return current?.addon && tf.getBackend() === 'wasm' ? current.addon : null;
}

/** The engine in full: the package, its version and why it runs. */
export function describeEngine(info: EngineInfo): string {
  return `${info.name} (${info.package} ${tf.version_core}): ${info.reason}`;
}

function blasSummary(addon: string): string {
  return `blas (WebAssembly + native fused LSTM: ${addon})`;
}
