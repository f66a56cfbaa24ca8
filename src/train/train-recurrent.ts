/**
 * Trains a member fed token sequences (the recipe's LSTM, or the bidirectional LSTM on pretrained
 * vectors): builds it (or restores the checkpoint), runs the epochs with a checkpoint after each,
 * keeps the best epoch's weights when asked, and hands back the member.
 */
import * as tf from '../engine/tf.ts';
import { withSeededMathRandom } from '../data/random.ts';
import type { Tokenizer } from '../data/tokenizer.ts';
import type { Engine } from '../engine/engine.ts';
import { InputError } from '../errors.ts';
import type { StagedHook } from '../fs/atomic-dir.ts';
import type { EpochLog } from '../model/history.ts';
import type { SequenceEntry } from '../model/member.ts';
import { describeLayers } from '../model/quietly.ts';
import { RecurrentMember } from '../model/recurrent-member.ts';
import type { RowSplit } from '../data/split.ts';
import { settingsToJson, type RunSettings } from '../settings.ts';
import {
  CHECKPOINT_FORMAT_VERSION,
  saveCheckpoint,
  type BestWeights,
  type Checkpoint,
  type InputDigests,
} from './checkpoint.ts';
import { trainModel, type TrainCallbacks } from './loop.ts';
import type { SoftTargets } from './targets.ts';

/** What a sequence member trains on: its tokenizer's sequences of every row, and the labels. */
export interface SequenceData {
  tokenizer: Tokenizer;
  sequences: number[][];
  labels: Int32Array;
  maxLen: number;
  /** A teacher's answers to train towards besides the labels (targets.ts). */
  soft?: SoftTargets;
}

export interface LstmTraining {
  kind: SequenceEntry['kind'];
  /** Builds and compiles the model (inside the run's seeded randomness). */
  build(): tf.LayersModel | Promise<tf.LayersModel>;
  /** The run's settings, maxLen known. */
  settings: RunSettings & { maxLen: number };
  data: SequenceData;
  batchSize: number;
  /** Targets of (1 − s)·one-hot + s/classes (Keras' label_smoothing); 0 for none. */
  labelSmoothing: number;
  split: RowSplit;
  /** Where the checkpoint goes after each epoch; null: none (cross-validation). */
  out: string | null;
  dataFile: string;
  dataSha256: string;
  /** The other inputs' sha256, for the checkpoint. */
  inputsSha256: InputDigests;
  /** The running engine: its name goes in the checkpoint, its speed layer to the model (build's and a resume's). */
  engine: Engine;
  checkpoint: Checkpoint | null;
  signal?: AbortSignal;
  onStaged?: StagedHook;
}

export interface LstmCallbacks extends TrainCallbacks {
  /** The model built: its parameter count and its layers, in one line. */
  onModel?(params: number, layers: string): void;
  onResume?(done: number, epochs: number): void;
}

export interface LstmOutcome {
  /** The trained member, with the kept epoch's weights; null when a signal stopped training. */
  member: RecurrentMember | null;
  history: EpochLog[];
  best: EpochLog | null;
  kept: EpochLog | null;
  stoppedEarly: boolean;
}

export async function trainRecurrentMember(t: LstmTraining, callbacks: LstmCallbacks = {}): Promise<LstmOutcome> {
  const { settings, data, checkpoint } = t;
  return withSeededMathRandom(`${settings.seed}${t.kind === 'lstm' ? '' : `:${t.kind}`}`, async () => {
    const model = await t.build();
    // The best epoch's weights, kept while later epochs train (keep 'best').
    let kept: BestWeights | null = null;
    let handedOver = false;
    try {
      if (checkpoint) {
        if (model.countParams() !== checkpoint.state.param_count) {
          throw new InputError(
            `the checkpoint's model has ${checkpoint.state.param_count} parameters, these settings make ${model.countParams()}`,
            { file: checkpoint.dir },
          );
        }
        await checkpoint.restore(model);
        callbacks.onResume?.(checkpoint.state.epoch, settings.epochs);
      }
      callbacks.onModel?.(model.countParams(), describeLayers(model));
      if (settings.keep === 'best' && checkpoint) {
        kept = (await checkpoint.best()) ?? {
          epoch: checkpoint.state.epoch,
          weights: model.getWeights().map((w) => w.clone()),
        };
      }
      const keepNow = (epoch: number) => {
        if (kept) tf.dispose(kept.weights);
        kept = { epoch, weights: model.getWeights().map((w) => w.clone()) };
      };
      const saveEpoch = async (history: EpochLog[]) => {
        if (t.out === null) return;
        await saveCheckpoint(
          t.out,
          model,
          data.tokenizer,
          {
            format_version: CHECKPOINT_FORMAT_VERSION,
            epoch: history.length,
            history,
            settings: settingsToJson(settings),
            data_file: t.dataFile,
            data_sha256: t.dataSha256,
            inputs_sha256: t.inputsSha256,
            param_count: model.countParams(),
            engine: t.engine.info.name,
            saved: new Date().toISOString(),
          },
          kept,
          t.onStaged,
        );
      };
      const outcome = await trainModel(
        model,
        { sequences: data.sequences, labels: data.labels, soft: data.soft },
        {
          epochs: settings.epochs,
          batchSize: t.batchSize,
          labelSmoothing: t.labelSmoothing,
          split: t.split,
          batching: settings.pad,
          maxLen: data.maxLen,
          // The model's own output width: the data's classes, whatever their number.
          numClasses: model.outputs[0].shape.at(-1) as number,
          seed: settings.seed,
          history: checkpoint?.state.history,
          best:
            kept === null
              ? undefined
              : (checkpoint?.state.history.find((e) => e.epoch === (kept as BestWeights).epoch) ?? null),
          monitor: settings.monitor,
          earlyStop: settings.earlyStop,
          signal: t.signal,
        },
        {
          ...callbacks,
          onEpochEnd: async (log, history, improved) => {
            if (improved && settings.keep === 'best') keepNow(log.epoch);
            await callbacks.onEpochEnd?.(log, history, improved);
            await saveEpoch([...history]);
          },
        },
      );
      const last = outcome.history[outcome.history.length - 1] ?? null;
      const keptEpoch = kept === null ? null : (kept as BestWeights).epoch;
      const keptLog =
        settings.keep === 'best' && keptEpoch !== null
          ? (outcome.history.find((e) => e.epoch === keptEpoch) ?? last)
          : last;
      const result = {
        history: outcome.history,
        best: outcome.best,
        kept: keptLog,
        stoppedEarly: outcome.stoppedEarly,
      };
      if (outcome.stopped) return { ...result, member: null };
      if (kept && keptLog !== last) model.setWeights((kept as BestWeights).weights);
      handedOver = true;
      return {
        ...result,
        member: new RecurrentMember(model, data.tokenizer, { maxLen: data.maxLen, batching: settings.pad }, t.kind),
      };
    } finally {
      if (kept) tf.dispose((kept as BestWeights).weights);
      if (!handedOver) model.dispose();
    }
  });
}
