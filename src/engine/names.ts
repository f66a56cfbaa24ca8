/** The engines a user can ask for, by name: what the flags offer, without starting TensorFlow.js. */
export type EngineName = 'tensorflow' | 'blas' | 'wasm' | 'cpu';
export type EngineRequest = EngineName | 'auto';
export const ENGINE_CHOICES: readonly EngineRequest[] = ['auto', 'tensorflow', 'blas', 'wasm', 'cpu'];

/**
 * What an engine is started for; the WebAssembly backend's threads follow from it (A/Bs in
 * docs/engines.md): `train` runs plain wasm on a thread per core and blas on one (there XNNPACK's
 * threads only compete with OpenBLAS'); `score` (a file of rows) runs both on a thread per core;
 * `answer` (a few texts) on one, which starts ~0.9 s sooner.
 */
export type EngineWork = 'train' | 'score' | 'answer';

/**
 * The engines `auto` tries for each work after a GPU package that loads, fastest first, as measured on 2
 * cores (docs/engines.md, whose table a test compares with this): the native LSTM (blas) trains 2–3.5× faster than libtensorflow and scores
 * files ~2.7× faster (prefix forests); libtensorflow beats plain WebAssembly at both, but takes about a
 * second to load, so a few typed texts start sooner on WebAssembly.
 */
export const AUTO_ORDER: Readonly<Record<EngineWork, readonly ('blas' | 'tensorflow' | 'wasm')[]>> = {
  train: ['blas', 'tensorflow', 'wasm'],
  score: ['blas', 'tensorflow', 'wasm'],
  answer: ['blas', 'wasm', 'tensorflow'],
};

/** The order in words, for help text: written from AUTO_ORDER, never beside it. */
export function describeAutoOrder(): string {
  const works: [EngineWork[], string][] = [
    [['train', 'score'], 'to train or score a file'],
    [['answer'], 'for a few texts'],
  ];
  return works
    .map(([w, words]) => {
      const orders = new Set(w.map((x) => AUTO_ORDER[x].join(', ')));
      if (orders.size !== 1) return w.map((x) => `${x}: ${AUTO_ORDER[x].join(', ')}`).join('; ');
      return `${[...orders][0]} ${words}`;
    })
    .join('; ');
}
