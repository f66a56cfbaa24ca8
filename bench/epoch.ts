/** Wall time of one training epoch on the real data with grouped batches (measured, or extrapolated from a random sample of batches). */
import { NUM_CLASSES } from '../src/data/labels.ts';
import { prepareTrainingData } from '../src/data/prepare.ts';
import { withSeededMathRandom } from '../src/data/random.ts';
import { splitRows } from '../src/data/split.ts';
import { readLabelled } from '../src/data/labels.ts';
import { startEngine } from '../src/engine/engine.ts';
import { buildModel } from '../src/model/recipe.ts';
import { DEFAULT_SETTINGS } from '../src/settings.ts';
import { trainModel } from '../src/train/loop.ts';

export interface EpochBench {
  /** Seconds for one epoch (training batches and validation), or the extrapolation. */
  seconds: number;
  extrapolated: boolean;
  batchesTimed: number;
  totalBatches: number;
}

export async function benchEpoch(trainTsv: string, sampleBatches: number | null): Promise<EpochBench> {
  const table = await readLabelled(trainTsv);
  const data = prepareTrainingData(table.texts, table.index, { maxWords: DEFAULT_SETTINGS.maxWords });
  return withSeededMathRandom('bench-epoch', async () => {
    // The running engine's speed layer, as train hands it.
    const { speed } = await startEngine('auto');
    const model = buildModel(DEFAULT_SETTINGS, { numClasses: NUM_CLASSES, inputLength: null }, speed);
    const stop = new AbortController();
    let total = 0;
    let timed = 0;
    let started = 0;
    const t0 = performance.now();
    try {
      await trainModel(
        model,
        { sequences: data.sequences, labels: data.labels },
        {
          epochs: 1,
          batchSize: 512,
          split: splitRows(data.sequences.length, 0.1),
          batching: 'group',
          maxLen: data.maxLen,
          numClasses: NUM_CLASSES,
          seed: 42,
          monitor: 'val_acc',
          earlyStop: null,
          signal: stop.signal,
        },
        {
          onBatchEnd(_epoch, log) {
            total = log.total;
            // The first batch is a warm-up; the batch order is shuffled, so the next ones are a fair sample.
            if (log.done === 1) started = performance.now();
            else timed = log.done - 1;
            if (sampleBatches !== null && timed >= sampleBatches) stop.abort('sampled');
          },
        },
      );
    } finally {
      model.dispose();
    }
    if (sampleBatches === null)
      return {
        seconds: (performance.now() - t0) / 1000,
        extrapolated: false,
        batchesTimed: total,
        totalBatches: total,
      };
    const perBatch = (performance.now() - started) / 1000 / Math.max(1, timed);
    return { seconds: perBatch * total, extrapolated: true, batchesTimed: timed, totalBatches: total };
  });
}
