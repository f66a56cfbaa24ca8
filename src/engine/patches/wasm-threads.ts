/**
 * tfjs' multi-threaded WebAssembly build, run under Node's worker_threads. In Node tfjs always takes
 * its single-threaded build (tensorflow/tfjs#3830), and its C++ caps the thread pool at half the
 * logical cores (it assumes two hyperthreads per core), which is one thread on a 2-core machine.
 * Same kernels, same answers bit for bit: XNNPACK divides a product among threads by output tiles,
 * never inside one sum.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname } from 'node:path';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { codeFile } from '../../package-files.ts';
import * as tf from '../tf.ts';
import { patchRan } from './usage.ts';

const load = createRequire(import.meta.url);
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const FACTORY = `${WASM_PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.js`;
const WORKER = codeFile('engine/patches/wasm-thread-worker.cjs');
/** Workers the build starts up front (its PTHREAD_POOL_SIZE), whatever the threads: the most it can use. */
export const MAX_WASM_THREADS = 8;
/** tfjs' priority for its wasm backend. */
const WASM_PRIORITY = 2;

interface WasmPackage {
  BackendWasm: new (module: ThreadedModule) => BackendWasm;
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

/** The Emscripten module, with the calls tfjs' BackendWasm expects under `tfjs`. */
interface ThreadedModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: { unref(): void }[] };
  tfjs?: Record<string, (...args: number[]) => number>;
}

type ModuleFactory = (config: { locateFile(path: string, prefix: string): string }) => Promise<ThreadedModule>;

/**
 * Makes the next start of the `wasm` backend use `threads` threads (at most the build's 8 and the
 * logical cores). A no-op for one thread, or once the backend has started: its module stays for the
 * process.
 */
export function useWasmThreads(threads: number): void {
  const wanted = Math.min(threads, MAX_WASM_THREADS, os.availableParallelism());
  if (wanted <= 1 || tf.findBackend('wasm')) return;
  const pkg = load(WASM_PACKAGE) as WasmPackage;
  const singleThreaded = tf.findBackendFactory('wasm');
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        return await startThreaded(pkg, wanted);
      } catch (err) {
        threadsFailure = (err as Error).message.split('\n')[0];
        return singleThreaded();
      }
    },
    WASM_PRIORITY,
  );
}

let threadsFailure: string | null = null;

/** Why the threaded build did not start, when it did not (the backend then runs on one thread). */
export function wasmThreadsFailure(): string | null {
  return threadsFailure;
}

/** The threads the running `wasm` backend has. */
export function wasmThreads(): number {
  return (load(WASM_PACKAGE) as WasmPackage).getThreadsCount();
}

async function startThreaded(pkg: WasmPackage, threads: number): Promise<BackendWasm> {
  const factory = load(FACTORY) as ModuleFactory;
  const dir = dirname(load.resolve(FACTORY));
  // Each pool worker pipes its stdio into ours (a listener per worker on each): not a leak.
  for (const stream of [process.stdout, process.stderr])
    stream.setMaxListeners(stream.getMaxListeners() + MAX_WASM_THREADS);
  // The build reads the core count once, while it starts, and halves it: give it twice the real count.
  const cpus = os.cpus;
  os.cpus = () => [...cpus(), ...cpus()];
  let module: ThreadedModule;
  try {
    module = await factory({ locateFile: (path) => (path.endsWith('.worker.js') ? WORKER : `${dir}/${path}`) });
  } finally {
    os.cpus = cpus;
  }
  // The bridge tfjs' own init() adds (backend_wasm.ts), which BackendWasm calls.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  pkg.setThreadsCount(threads);
  const backend = new pkg.BackendWasm(module);
  // The pool's threads only ever run while the main thread waits on them: they must not keep the process alive.
  for (const worker of module.PThread.runningWorkers) worker.unref();
  patchRan('wasm-threads');
  return backend;
}
