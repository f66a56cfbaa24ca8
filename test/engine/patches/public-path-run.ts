/**
 * Child of guard.test.ts: trains a small model on `engine` with the speed patches as `mode` says
 * (`on`; `off`, the library's switch; `other-tfjs`, a tfjs version other than the checked one), then
 * scores a few texts. Prints one JSON line: the engine, the history and the probabilities.
 */
import { join } from 'node:path';
import { startEngine } from '../../../src/engine/engine.ts';
import { openPredictor, predictTexts } from '../../../src/predict/predict-inputs.ts';
import { DEFAULT_SETTINGS } from '../../../src/settings.ts';
import { runTraining } from '../../../src/train/train-model.ts';

const [engine, mode, data, out] = process.argv.slice(2) as [
  'wasm' | 'blas',
  'on' | 'off' | 'other-tfjs',
  string,
  string,
];
const started = await startEngine(engine, {
  work: 'train',
  speedPatches: mode !== 'off',
  versions: mode === 'other-tfjs' ? { '@tensorflow/tfjs-core': '4.99.0' } : undefined,
});
const result = await runTraining({
  ...DEFAULT_SETTINGS,
  maxWords: 200,
  embeddingDim: 8,
  units: 8,
  denseUnits: 8,
  // Without dropout both paths compute the same function; masks are drawn in another order by each.
  dropout: 0,
  epochs: 2,
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
  })}\n`,
);
