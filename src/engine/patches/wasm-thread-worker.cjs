// One thread of tfjs' multi-threaded WebAssembly build (wasm-threads.ts starts it). tfjs ships this
// script only as a string for browser Blob workers; Node runs it from a file. The newline escape is the
// one tfjs applies before making its Blob.
const {
  wasmWorkerContents,
} = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
