/**
 * The training loop: Keras' `fit` semantics (validation split taken before shuffling, reshuffle every
 * epoch, sample-weighted epoch metrics) over grouped or padded batches.
 */
import * as tf from '@tensorflow/tfjs';
import { encodeBatch, makeBatches, oneHotBatch, type Batch } from '../data/batches.ts';
import { makeRng, withSeededMathRandom } from '../data/random.ts';
import { splitRows } from '../data/split.ts';
import type { EpochLog } from '../model/history.ts';
import { predictRows } from '../model/recipe-member.ts';
import { scoreProbabilities } from '../model/scores.ts';
import type { BatchingMode } from '../settings.ts';

export interface TrainOptions {
  /** The epoch to stop after (the total, counting epochs done before a resume). */
  epochs: number;
  batchSize: number;
  validationSplit: number;
  batching: BatchingMode;
  maxLen: number;
  numClasses: number;
  seed: number;
  /** Epochs already done (resuming from a checkpoint); training starts with the next one. */
  history?: EpochLog[];
  /** Checked after every batch: once aborted, the loop stops and returns what is complete. */
  signal?: AbortSignal;
}

export interface TrainOutcome {
  /** Every completed epoch, those before a resume included. */
  history: EpochLog[];
  /** The epoch in progress was abandoned because the signal was aborted. */
  stopped: boolean;
}

export interface BatchLog {
  /** Batches done in this epoch. */
  done: number;
  total: number;
  /** Phrases seen in this epoch. */
  seen: number;
  /** Running sample-weighted means over the epoch so far. */
  loss: number;
  acc: number;
}

export interface TrainCallbacks {
  onEpochBegin?(epoch: number, totalBatches: number, phrases: number): void;
  onBatchEnd?(epoch: number, log: BatchLog): void;
  onValidationBegin?(epoch: number): void;
  /** After each epoch, with every epoch done so far (a resumed run's earlier ones included). */
  onEpochEnd?(log: EpochLog, history: readonly EpochLog[]): void | Promise<void>;
}

export interface TrainData {
  sequences: ReadonlyArray<ArrayLike<number>>;
  labels: ArrayLike<number>;
}

/**
 * Each epoch's shuffling and dropout masks come from generators seeded with (seed, epoch), so a run
 * resumed after epoch k continues exactly as the uninterrupted run would have.
 */
export async function trainModel(model: tf.LayersModel, data: TrainData, opts: TrainOptions, callbacks: TrainCallbacks = {}): Promise<TrainOutcome> {
  const { trainRows, valRows } = splitRows(data.sequences.length, opts.validationSplit);
  const batchOpts = { mode: opts.batching, batchSize: opts.batchSize, maxLen: opts.maxLen };
  const history: EpochLog[] = [...(opts.history ?? [])];
  for (let epoch = history.length + 1; epoch <= opts.epochs; epoch++) {
    if (opts.signal?.aborted) return { history, stopped: true };
    const log = await withSeededMathRandom(`${opts.seed}:${epoch}`, () =>
      runEpoch(model, data, epoch, makeBatches(data.sequences, trainRows, { ...batchOpts, rng: makeRng(`shuffle:${opts.seed}:${epoch}`) }), valRows, opts, callbacks),
    );
    if (log === null) return { history, stopped: true };
    history.push(log);
    await callbacks.onEpochEnd?.(log, history);
  }
  return { history, stopped: false };
}

async function runEpoch(model: tf.LayersModel, data: TrainData, epoch: number, batches: Batch[], valRows: Int32Array, opts: TrainOptions, callbacks: TrainCallbacks): Promise<EpochLog | null> {
  const started = performance.now();
  const phrases = batches.reduce((n, b) => n + b.rows.length, 0);
  callbacks.onEpochBegin?.(epoch, batches.length, phrases);
  let lossSum = 0;
  let accSum = 0;
  let seen = 0;
  for (let b = 0; b < batches.length; b++) {
    const { loss, acc } = await trainOnBatch(model, data, batches[b], opts.numClasses);
    const n = batches[b].rows.length;
    lossSum += loss * n;
    accSum += acc * n;
    seen += n;
    callbacks.onBatchEnd?.(epoch, { done: b + 1, total: batches.length, seen, loss: lossSum / seen, acc: accSum / seen });
    if (opts.signal?.aborted) return null;
  }
  let val = { loss: null as number | null, acc: null as number | null };
  if (valRows.length > 0) {
    callbacks.onValidationBegin?.(epoch);
    const probabilities = predictRows(model, data.sequences, valRows, { maxLen: opts.maxLen, batching: opts.batching, batchSize: opts.batchSize });
    const s = scoreProbabilities(probabilities, opts.numClasses, Int32Array.from(valRows, (r) => data.labels[r]));
    val = { loss: s.loss, acc: s.acc };
  }
  return { epoch, loss: lossSum / seen, acc: accSum / seen, val_loss: val.loss, val_acc: val.acc, seconds: (performance.now() - started) / 1000 };
}

async function trainOnBatch(model: tf.LayersModel, data: TrainData, batch: Batch, numClasses: number): Promise<{ loss: number; acc: number }> {
  const n = batch.rows.length;
  const x = tf.tensor2d(encodeBatch(data.sequences, batch), [n, batch.length], 'int32');
  const y = tf.tensor2d(oneHotBatch(data.labels, batch, numClasses), [n, numClasses]);
  try {
    const out = await model.trainOnBatch(x, y);
    const [loss, acc] = Array.isArray(out) ? out : [out, NaN];
    return { loss, acc };
  } finally {
    x.dispose();
    y.dispose();
  }
}
