/**
 * Child of guard.test.ts: on `engine`, with the speed patches `on` or `off`, trains a small recipe model
 * (dropout on, an LSTM big enough for tfjs' orthogonal-initialiser warning), loads it and scores texts,
 * then prints the patches that ran (usage.ts) as one JSON line.
 */
import { startEngine } from '../../../src/engine/engine.ts';
import { patchesRan } from '../../../src/engine/patches/usage.ts';
import { openPredictor, predictTexts } from '../../../src/predict/predict-inputs.ts';
import { DEFAULT_SETTINGS } from '../../../src/settings.ts';
import { runTraining } from '../../../src/train/train-model.ts';

const [engine, mode, data, out] = process.argv.slice(2) as [
  'wasm' | 'blas' | 'tensorflow',
  'on' | 'off',
  string,
  string,
];
// `score`: a thread per core on WebAssembly, so the threaded build starts where there are two cores.
await startEngine(engine, { work: 'score', speedPatches: mode === 'on' });
await runTraining({
  ...DEFAULT_SETTINGS,
  maxWords: 200,
  embeddingDim: 8,
  units: 24,
  denseUnits: 8,
  // TensorFlow has a fused kernel for sigmoid gates only (tensorflow-ops runs it); the seed's hard sigmoid elsewhere.
  recurrentActivation: engine === 'tensorflow' ? 'sigmoid' : 'hard_sigmoid',
  epochs: 1,
  batchSize: 32,
  keep: 'last',
  memory: false,
  dataFile: data,
  out,
  backend: engine,
});
const { predictor } = await openPredictor({ modelDir: out, backend: engine, memory: false });
predictTexts(predictor, ['good fun', 'a dull , tired film', 'not bad at all', 'good', 'a dull film']);
process.stdout.write(`${JSON.stringify({ ran: patchesRan().sort() })}\n`);
