/**
 * A test-only program: trains a tiny model through the library with a save that pauses after each
 * staged file and says so on stdout, so a test can kill it in the middle of a save.
 * Usage: node --import tsx test/model/slow-save-child.ts DATA OUT
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { runTraining } from '../../src/train/train-model.ts';

const [data, out] = process.argv.slice(2);
await runTraining({
  ...DEFAULT_SETTINGS,
  dataFile: data,
  out,
  epochs: 1,
  units: 8,
  embeddingDim: 8,
  denseUnits: 8,
  maxWords: 400,
  batchSize: 64,
  backend: 'wasm',
  onStaged: async (file) => {
    process.stdout.write(`staged ${file}\n`);
    await sleep(1500);
  },
});
