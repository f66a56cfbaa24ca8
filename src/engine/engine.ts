/**
 * Picks and starts the compute engine. `auto` uses tfjs-node (native libtensorflow) when it loads,
 * else the WebAssembly backend with the native fused LSTM (`blas`) when that addon is built, else
 * plain WebAssembly, and always says which one runs and why.
 */
import * as tf from '@tensorflow/tfjs';
import { ADDON_HINT, type AddonLoader, type FusedLstmAddon, loadFusedLstmAddon, registerFusedLstmKernels, unregisterFusedLstmKernels } from './fused-lstm-kernels.ts';
import { installGradientFixes } from './gradient-fixes.ts';
import { installWasmKernelFixes } from './wasm-kernels.ts';

export type EngineName = 'tensorflow' | 'blas' | 'wasm' | 'cpu';
export type EngineRequest = EngineName | 'auto';
export const ENGINE_CHOICES: readonly EngineRequest[] = ['auto', 'tensorflow', 'blas', 'wasm', 'cpu'];

export interface EngineInfo {
  name: EngineName;
  /** The npm package behind it. */
  package: string;
  /** One line for the user: why this engine runs. */
  reason: string;
}

/** The engine asked for cannot run here; the message says how to get it. */
export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
}

let current: EngineInfo | null = null;

/** The native packages, most wanted first: both register the `tensorflow` backend. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
export type NativePackage = (typeof NATIVE_PACKAGES)[number];

/** Imports a package (by name); replaced in tests to simulate what is installed. */
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

/** What is installed: replaced in tests to simulate the optional packages' presence or absence. */
export interface EngineLoaders {
  native?: PackageLoader;
  addon?: AddonLoader;
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const BLAS_PACKAGE = `${WASM_PACKAGE} + sentiment-fused-lstm`;

export async function initEngine(request: EngineRequest = 'auto', loaders: EngineLoaders = {}): Promise<EngineInfo> {
  const simulated = loaders.native !== undefined || loaders.addon !== undefined;
  if (current && !simulated && (request === 'auto' || request === current.name)) return current;
  installGradientFixes();
  let info: EngineInfo;
  if (request === 'auto' || request === 'tensorflow') {
    const native = await chooseNativePackage(loaders.native);
    if (native.ok) {
      await setBackend('tensorflow');
      const why = native.pkg.endsWith('-gpu') ? 'native libtensorflow with CUDA' : 'native libtensorflow';
      info = { name: 'tensorflow', package: native.pkg, reason: `${request === 'auto' ? `${native.pkg} loaded` : 'asked for'} (${why})${native.notes.length ? `; ${native.notes.join('; ')}` : ''}` };
    } else if (request === 'tensorflow') {
      throw new EngineUnavailableError(`--backend tensorflow: ${native.why}. ${INSTALL_HINT}.`);
    } else {
      const hint = 'its install downloads libtensorflow from Google storage, which failed or was skipped; to install from a mirror: TFJS_NODE_CDN_STORAGE=<mirror> npm install @tensorflow/tfjs-node (README: Engines)';
      const addon = loadFusedLstmAddon(loaders.addon);
      await startWasm(addon.ok ? addon : null);
      info = addon.ok
        ? { name: 'blas', package: BLAS_PACKAGE, reason: `${native.why} (${hint}); using WebAssembly with the native fused LSTM (${addon.description})` }
        : { name: 'wasm', package: WASM_PACKAGE, reason: `${native.why} (${hint}); using WebAssembly; the native fused LSTM is off: ${addon.why} (${ADDON_HINT})` };
    }
  } else if (request === 'blas') {
    const addon = loadFusedLstmAddon(loaders.addon);
    if (!addon.ok) throw new EngineUnavailableError(`--backend blas: ${addon.why}; ${ADDON_HINT}.`);
    await startWasm(addon);
    info = { name: 'blas', package: BLAS_PACKAGE, reason: `asked for (WebAssembly with the native fused LSTM: ${addon.description})` };
  } else if (request === 'wasm') {
    await startWasm(null);
    info = { name: 'wasm', package: WASM_PACKAGE, reason: 'asked for (plain WebAssembly, without the native fused LSTM)' };
  } else {
    await setBackend('cpu');
    info = { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', reason: 'asked for (pure JavaScript: very slow for training)' };
  }
  current = info;
  return info;
}

/** The wasm backend, with the native LSTM kernels registered when the addon is given, removed otherwise. */
async function startWasm(addon: { addon: FusedLstmAddon } | null): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  installWasmKernelFixes();
  if (addon) registerFusedLstmKernels(addon.addon);
  else unregisterFusedLstmKernels();
  await setBackend('wasm');
}

async function setBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new EngineUnavailableError(`the ${name} engine failed to start`);
  await tf.ready();
}

export function describeEngine(info: EngineInfo): string {
  return `${info.name} (${info.package} ${tf.version.tfjs}): ${info.reason}`;
}
