/**
 * The one WebAssembly binary an export ships beside sentiment.js: tfjs-backend-wasm's SIMD build,
 * single-threaded (threads need a cross-origin-isolated page). Its own module: export names it without
 * loading TensorFlow.js.
 */
export const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';
