/**
 * Picks and starts the compute engine. `auto` uses tfjs-node (native libtensorflow) when it loads
 * and the WebAssembly backend otherwise, and always says which one runs and why.
 */
import * as tf from '@tensorflow/tfjs';
import { installGradientFixes } from './gradient-fixes.ts';
import { installWasmKernelFixes } from './wasm-kernels.ts';

export type EngineName = 'tensorflow' | 'wasm' | 'cpu';
export type EngineRequest = EngineName | 'auto';
export const ENGINE_CHOICES: readonly EngineRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

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

/** Loads tfjs-node if installed and working; the error text says why not otherwise. */
async function loadTfjsNode(): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    // A variable specifier: the optional package may be absent when TypeScript compiles.
    const pkg = '@tensorflow/tfjs-node';
    await import(pkg);
    return { ok: true };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') {
      return { ok: false, why: 'tfjs-node is not installed (its install downloads libtensorflow, which failed or was skipped)' };
    }
    return { ok: false, why: `tfjs-node did not load (${e.message.split('\n')[0]})` };
  }
}

export async function initEngine(request: EngineRequest = 'auto'): Promise<EngineInfo> {
  if (current && (request === 'auto' || request === current.name)) return current;
  installGradientFixes();
  let info: EngineInfo;
  if (request === 'auto' || request === 'tensorflow') {
    const node = await loadTfjsNode();
    if (node.ok) {
      await setBackend('tensorflow');
      info = { name: 'tensorflow', package: '@tensorflow/tfjs-node', reason: request === 'auto' ? 'tfjs-node loaded (native libtensorflow)' : 'asked for' };
    } else if (request === 'tensorflow') {
      throw new EngineUnavailableError(`--backend tensorflow: ${node.why}. Install it with \`npm install @tensorflow/tfjs-node\`.`);
    } else {
      await startWasm();
      info = { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', reason: `${node.why}; using WebAssembly` };
    }
  } else if (request === 'wasm') {
    await startWasm();
    info = { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', reason: 'asked for' };
  } else {
    await setBackend('cpu');
    info = { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', reason: 'asked for (pure JavaScript: very slow for training)' };
  }
  current = info;
  return info;
}

async function startWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  installWasmKernelFixes();
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
