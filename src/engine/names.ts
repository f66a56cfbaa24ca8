/** The engines a user can ask for, by name: what the flags offer, without starting TensorFlow.js. */
export type EngineName = 'tensorflow' | 'blas' | 'wasm' | 'cpu';
export type EngineRequest = EngineName | 'auto';
export const ENGINE_CHOICES: readonly EngineRequest[] = ['auto', 'tensorflow', 'blas', 'wasm', 'cpu'];
