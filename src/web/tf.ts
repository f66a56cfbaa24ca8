/**
 * TensorFlow.js as the browser module uses it: the core, the layers API, and two backends bundled with
 * the module — WebAssembly with SIMD (its .wasm file sits beside sentiment.js in an export) and the
 * plain-JavaScript `cpu` backend where WebAssembly cannot start. Nothing is fetched from elsewhere. The
 * CLI's engines, patches and native kernels stay in Node (engine/).
 */
import '@tensorflow/tfjs-backend-cpu';

export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
export { env, getBackend, io, ready, setBackend, tensor2d, tidy, type Tensor } from '@tensorflow/tfjs-core';
export { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
export { WASM_FILE } from './wasm-file.ts';
