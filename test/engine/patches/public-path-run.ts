/**
 * Child of guard.test.ts: trains a small model on `engine` with the speed patches as `mode` says
 * (`on`; `off`, the library's switch; `other-tfjs`, a tfjs version other than the checked one), then
 * scores a few texts. Prints one JSON line: the engine, the history, the probabilities and the patches
 * that ran (usage.ts). `purpose` `compare` (default): no dropout, so both paths compute one function;
 * `exercise`: dropout on, an LSTM big enough for tfjs' orthogonal-initialiser warning, sigmoid gates on
 * tensorflow (its fused kernel), WebAssembly on a thread per core: every patch gets its turn.
 */
import { join } from 'node:path';
import { startEngine } from '../../../src/engine/engine.ts';
import { patchesRan } from '../../../src/engine/patches/usage.ts';
import { openPredictor, predictTexts } from '../../../src/predict/predict-inputs.ts';
import { DEFAULT_SETTINGS } from '../../../src/settings.ts';
import { runTraining } from '../../../src/train/train-model.ts';

const [engine, mode, data, out, purpose = 'compare'] = process.argv.slice(2) as [
  'wasm' | 'blas' | 'tensorflow',
  'on' | 'off' | 'other-tfjs',
  string,
  string,
  'compare' | 'exercise' | undefined,
];
const exercise = purpose === 'exercise';
const started = await startEngine(engine, {
  work: exercise ? 'score' : 'train',
  speedPatches: mode !== 'off',
  versions: mode === 'other-tfjs' ? { '@tensorflow/tfjs-core': '4.99.0' } : undefined,
});
const result = await runTraining({
  ...DEFAULT_SETTINGS,
  maxWords: 200,
  embeddingDim: 8,
  units: exercise ? 24 : 8,
  denseUnits: 8,
  // Without dropout both paths compute the same function; masks are drawn in another order by each.
  dropout: exercise ? DEFAULT_SETTINGS.dropout : 0,
  recurrentActivation: exercise && engine === 'tensorflow' ? 'sigmoid' : 'hard_sigmoid',
  epochs: exercise ? 1 : 2,
  batchSize: 32,
  keep: 'last',
  memory: false,
  dataFile: data,
  out,
  backend: engine,
});
const { predictor } = await openPredictor({ modelDir: out, backend: engine, memory: false });
const texts = ['good fun', 'a dull , tired film', 'not bad at all'];
const probabilities = predictTexts(predictor, texts).results.map((p) => Array.from(p.probabilities));
process.stdout.write(
  `${JSON.stringify({
    engine: started.info,
    speed: started.speed === null ? null : { native: started.speed.native !== null },
    history: result.history,
    probabilities,
    model: join(out, 'model.json'),
    ran: patchesRan().sort(),
  })}\n`,
);
