/**
 * The training loop: Keras' `fit` semantics (validation split taken before shuffling, reshuffle every
 * epoch, sample-weighted epoch metrics) over grouped or padded batches.
 */
import * as tf from '../engine/tf.ts';
import { encodeBatch, makeBatches, type Batch } from '../data/batches.ts';
import { makeRng, withSeededMathRandom } from '../data/random.ts';
import { DivergedError } from '../errors.ts';
import type { RowSplit } from '../data/split.ts';
import { bestEpoch, isBetter, type EpochLog } from '../model/history.ts';
import { forgetPrefixTreeScorer, predictRows } from '../model/recurrent-member.ts';
import { scoreProbabilities } from '../model/scores.ts';
import type { BatchingMode, Monitor } from '../settings.ts';
import {
  batchTargets,
  checkSoftTargets,
  distillationLoss,
  distillationTargets,
  isTempered,
  type SoftTargets,
} from './targets.ts';

export interface TrainOptions {
  /** The epoch to stop after (the total, counting epochs done before a resume). */
  epochs: number;
  batchSize: number;
  /** Which rows train and which score each epoch. */
  split: RowSplit;
  /** Training targets of (1 − s)·one-hot + s/classes, as Keras' label_smoothing; 0 or absent for none. */
  labelSmoothing?: number;
  batching: BatchingMode;
  maxLen: number;
  numClasses: number;
  seed: number;
  /** Epochs already done (resuming from a checkpoint); training starts with the next one. */
  history?: EpochLog[];
  /** What makes an epoch the best so far. */
  monitor: Monitor;
  /** The best epoch before this run (resuming); default: the best of `history`. */
  best?: EpochLog | null;
  /** Stop after this many epochs without a new best; null: never early. */
  earlyStop: number | null;
  /** Checked after every batch: once aborted, the loop stops and returns what is complete. */
  signal?: AbortSignal;
}

export interface TrainOutcome {
  /** Every completed epoch, those before a resume included. */
  history: EpochLog[];
  /** The epoch in progress was abandoned because the signal was aborted. */
  stopped: boolean;
  /** The best epoch by the monitor, among all completed ones. */
  best: EpochLog | null;
  /** Training ended before `epochs` because `earlyStop` epochs passed without a new best. */
  stoppedEarly: boolean;
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
  /** After each epoch, with every epoch done so far (a resumed run's earlier ones included); `improved`: it is the new best. */
  onEpochEnd?(log: EpochLog, history: readonly EpochLog[], improved: boolean): void | Promise<void>;
}

export interface TrainData {
  sequences: ReadonlyArray<ArrayLike<number>>;
  labels: ArrayLike<number>;
  /** A teacher's probabilities to train towards besides the labels (validation still scores the labels). */
  soft?: SoftTargets;
}

/**
 * Each epoch's shuffling and dropout masks come from generators seeded with (seed, epoch), so a run
 * resumed after epoch k continues exactly as the uninterrupted run would have.
 */
export async function trainModel(
  model: tf.LayersModel,
  data: TrainData,
  opts: TrainOptions,
  callbacks: TrainCallbacks = {},
): Promise<TrainOutcome> {
  const { trainRows, valRows } = opts.split;
  if (data.soft) checkSoftTargets(data.soft, data.sequences.length, opts.numClasses);
  const history: EpochLog[] = [...(opts.history ?? [])];
  let best = opts.best !== undefined ? opts.best : bestEpoch(history, opts.monitor);
  const outcome = (stopped: boolean, stoppedEarly = false): TrainOutcome => ({ history, stopped, best, stoppedEarly });
  for (let epoch = history.length + 1; epoch <= opts.epochs; epoch++) {
    if (opts.signal?.aborted) return outcome(true);
    if (best !== null && opts.earlyStop !== null && epoch - 1 - best.epoch >= opts.earlyStop)
      return outcome(false, true);
    const log = await withSeededMathRandom(`${opts.seed}:${epoch}`, () =>
      runEpoch(model, data, epoch, epochBatches(data.sequences, trainRows, opts, epoch), valRows, opts, callbacks),
    );
    if (log === null) return outcome(true);
    history.push(log);
    const improved = best === null || isBetter(log, best, opts.monitor);
    if (improved) best = log;
    await callbacks.onEpochEnd?.(log, history, improved);
  }
  return outcome(false);
}

/** Epoch `epoch`'s batches: the training rows shuffled anew each epoch, the same for the same seed and epoch (a resumed run repeats them). */
export function epochBatches(
  sequences: ReadonlyArray<ArrayLike<number>>,
  trainRows: Int32Array,
  opts: Pick<TrainOptions, 'batching' | 'batchSize' | 'maxLen' | 'seed'>,
  epoch: number,
): Batch[] {
  return makeBatches(sequences, trainRows, {
    mode: opts.batching,
    batchSize: opts.batchSize,
    maxLen: opts.maxLen,
    rng: makeRng(`shuffle:${opts.seed}:${epoch}`),
  });
}

async function runEpoch(
  model: tf.LayersModel,
  data: TrainData,
  epoch: number,
  batches: Batch[],
  valRows: Int32Array,
  opts: TrainOptions,
  callbacks: TrainCallbacks,
): Promise<EpochLog | null> {
  const started = performance.now();
  const phrases = batches.reduce((n, b) => n + b.rows.length, 0);
  callbacks.onEpochBegin?.(epoch, batches.length, phrases);
  let lossSum = 0;
  let accSum = 0;
  let seen = 0;
  for (let b = 0; b < batches.length; b++) {
    const { loss, acc } = await trainOnBatch(model, data, batches[b], opts.numClasses, opts.labelSmoothing ?? 0);
    // Keras' TerminateOnNaN: a loss that is no longer a number only gets worse; the last epoch's checkpoint stays.
    if (!Number.isFinite(loss)) throw new DivergedError(epoch, `the loss became ${loss} at batch ${b + 1}`, epoch - 1);
    const n = batches[b].rows.length;
    lossSum += loss * n;
    accSum += acc * n;
    seen += n;
    callbacks.onBatchEnd?.(epoch, {
      done: b + 1,
      total: batches.length,
      seen,
      loss: lossSum / seen,
      acc: accSum / seen,
    });
    // A batch's work is synchronous: let a signal's handler run between batches.
    if (opts.signal) await nextTurn();
    if (opts.signal?.aborted) return null;
  }
  // The clipped cross-entropy stays finite while the weights overflow: look at them too.
  const broken = firstNonFiniteWeight(model);
  if (broken) throw new DivergedError(epoch, `the weight ${broken} is no longer a finite number`, epoch - 1);
  let val = { loss: null as number | null, acc: null as number | null };
  if (valRows.length > 0) {
    callbacks.onValidationBegin?.(epoch);
    const probabilities = predictRows(model, data.sequences, valRows, {
      maxLen: opts.maxLen,
      batching: opts.batching,
      batchSize: opts.batchSize,
    });
    const s = scoreProbabilities(
      probabilities,
      opts.numClasses,
      Int32Array.from(valRows, (r) => data.labels[r]),
    );
    // Its scorer copied the weights that the next batch changes: holding it through the epoch only costs memory.
    forgetPrefixTreeScorer(model);
    if (!Number.isFinite(s.loss)) throw new DivergedError(epoch, `the validation loss became ${s.loss}`, epoch - 1);
    val = { loss: s.loss, acc: s.acc };
  }
  return {
    epoch,
    loss: lossSum / seen,
    acc: accSum / seen,
    val_loss: val.loss,
    val_acc: val.acc,
    seconds: (performance.now() - started) / 1000,
  };
}

function firstNonFiniteWeight(model: tf.LayersModel): string | null {
  for (const w of model.trainableWeights) {
    const v = w.read().dataSync();
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return w.name;
  }
  return null;
}

function targets(data: TrainData, batch: Batch, numClasses: number, smoothing: number): tf.Tensor2D {
  const y = batchTargets(data.labels, batch, numClasses, smoothing, data.soft);
  return tf.tensor2d(y, [batch.rows.length, numClasses]);
}

async function trainOnBatch(
  model: tf.LayersModel,
  data: TrainData,
  batch: Batch,
  numClasses: number,
  smoothing: number,
): Promise<{ loss: number; acc: number }> {
  if (batch.parts) return trainOnParts(model, data, batch.parts, numClasses, smoothing);
  // The compiled loss is the cross-entropy against one target; a teacher at a temperature needs its own.
  if (isTempered(data.soft)) return trainOnParts(model, data, [batch], numClasses, smoothing);
  const n = batch.rows.length;
  const x = tf.tensor2d(encodeBatch(data.sequences, batch), [n, batch.length], 'int32');
  const y = targets(data, batch, numClasses, smoothing);
  try {
    const out = await model.trainOnBatch(x, y);
    const [loss, acc] = Array.isArray(out) ? out : [out, NaN];
    return { loss, acc };
  } finally {
    x.dispose();
    y.dispose();
  }
}

/**
 * One optimiser step over parts of different lengths, each fed unpadded: the loss is the mean over all
 * their rows, as one batch's would be, so the step follows the gradient of a batch that mixes lengths.
 */
async function trainOnParts(
  model: tf.LayersModel,
  data: TrainData,
  parts: Batch[],
  numClasses: number,
  smoothing: number,
): Promise<{ loss: number; acc: number }> {
  const total = parts.reduce((n, p) => n + p.rows.length, 0);
  let correct = 0;
  const soft = isTempered(data.soft) ? data.soft : null;
  const inputs = parts.map((p) => {
    const n = p.rows.length;
    const apart = soft && distillationTargets(data.labels, p, numClasses, smoothing, soft);
    return {
      x: tf.tensor2d(encodeBatch(data.sequences, p), [n, p.length], 'int32'),
      y: targets(data, p, numClasses, smoothing),
      apart: apart && {
        labels: tf.tensor2d(apart.labels, [n, numClasses]),
        teacher: tf.tensor2d(apart.teacher, [n, numClasses]),
      },
    };
  });
  const hits: tf.Tensor[] = [];
  try {
    const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = model.optimizer.minimize(
      () =>
        tf.addN(
          inputs.map(({ x, y, apart }) => {
            const p = model.apply(x, { training: true }) as tf.Tensor;
            hits.push(tf.keep(tf.sum(tf.metrics.categoricalAccuracy(y, p))));
            const rows =
              soft && apart
                ? distillationLoss(p, apart, soft.weight, soft.temperature)
                : tf.metrics.categoricalCrossentropy(y, p);
            return tf.mul(tf.sum(rows), 1 / total);
          }),
        ) as tf.Scalar,
      true,
      weights,
    );
    const value = (await loss?.data())?.[0] ?? NaN;
    loss?.dispose();
    for (const h of hits) correct += (await h.data())[0];
    return { loss: value, acc: correct / total };
  } finally {
    tf.dispose(hits);
    for (const { x, y, apart } of inputs) tf.dispose([x, y, ...(apart ? [apart.labels, apart.teacher] : [])]);
  }
}

/** Resolves on the event loop's next turn, after pending I/O and signal handlers. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
