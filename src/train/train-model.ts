/** `sentiment train`: a data file in, a model directory out (or a checkpoint, when a signal stops it). */
import * as tf from '../engine/tf.ts';
import type { EngineInfo } from '../engine/engine.ts';
import type { Blend } from '../model/blend.ts';
import { saveModelDirectory } from '../model/directory.ts';
import type { EpochLog, HistoryFile } from '../model/history.ts';
import { PhraseMemory } from '../model/memory.ts';
import { makeMeta } from '../model/meta.ts';
import { type RunSettings, settingsToJson } from '../settings.ts';
import { checkpointPath } from './checkpoint.ts';
import { runInputs, withModelOutput } from './model-output.ts';
import {
  checkRunOptions,
  type StartedRun,
  startRun,
  type TrainReporter,
  type TrainRunOptions,
  validationRule,
} from './start-run.ts';
import { type MemberScore, NOTHING_TRAINED, type TrainedMembers, trainMembers } from './train-members.ts';
import { trainBagged } from './bagging.ts';
import { startFoldRun } from './fold-loop.ts';
import { type OutOfFoldTable, outOfFoldGzip } from './out-of-fold.ts';
import { range } from '../data/split.ts';
import { SettingError } from '../errors.ts';
import type { BaggingRecord } from '../model/meta.ts';
import { PRESET_TABLE } from '../presets.ts';

export interface TrainResult {
  history: EpochLog[];
  /** The best epoch by the monitor. */
  best: EpochLog | null;
  /** The epoch whose weights the model directory holds (the best, or the last with keep 'last'). */
  kept: EpochLog | null;
  /** Training ended early: `earlyStop` epochs passed without a new best. */
  stoppedEarly: boolean;
  out: string;
  engine: EngineInfo;
  /** Set when a signal stopped training: the model directory was not written, the checkpoint holds `completedEpochs`. */
  interrupted: string | null;
  completedEpochs: number;
  /** The run's checkpoint/ where one stays: a stopped run's, or an ended one's with keepCheckpoint. */
  checkpoint: string | null;
  /** The settings the run used (a resumed run's come from its checkpoint). */
  settings: RunSettings;
  /** Each member's validation scores, then the blend's (with more than one member). */
  scores: MemberScore[];
  blend: Blend | null;
  /** Training phrases the phrase memory holds (0 without one). */
  memoryPhrases: number;
  /** A bagged preset's folds: each member's and the blend's scores on every fold; null otherwise. */
  bagging: BaggingRecord | null;
}

export async function runTraining(given: TrainRunOptions, reporter: TrainReporter = {}): Promise<TrainResult> {
  checkRunOptions(given, given.folds);
  return withModelOutput(given.out, runInputs(given), (out) => train({ ...given, out }, reporter));
}

async function train(opts: TrainRunOptions, reporter: TrainReporter): Promise<TrainResult> {
  const bagFolds = PRESET_TABLE[opts.preset].bagFolds;
  const folds = bagFolds === undefined ? undefined : (opts.folds ?? bagFolds);
  if (folds !== undefined && opts.resume)
    throw new SettingError(
      'resume',
      `the ${opts.preset} preset trains every fold from scratch: there is nothing to resume`,
    );
  const run =
    folds === undefined ? await startRun(opts, reporter, validationRule) : await startFoldRun(opts, reporter, folds);
  const { settings, data, engine } = run;
  const trained =
    folds === undefined
      ? { ...(await trainMembers(run, run.split, opts, opts.out, reporter)), bagging: null, outOfFold: null }
      : await bagged(run, folds, opts, reporter);
  const { primary: lstm, members, others, scores, blend, bagging, outOfFold } = trained;
  const result = {
    history: lstm.history,
    best: lstm.best,
    kept: lstm.kept,
    stoppedEarly: lstm.stoppedEarly,
    out: opts.out,
    engine: engine.info,
    completedEpochs: bagging ? 0 : lstm.history.length,
    checkpoint: !bagging && lstm.history.length > 0 ? checkpointPath(opts.out) : null,
    settings,
    scores,
    blend,
    memoryPhrases: 0,
    bagging,
  };
  if (members.length === 0) return { ...result, interrupted: String(opts.signal?.reason ?? 'aborted') };
  try {
    const memory = settings.memory
      ? PhraseMemory.build(
          data.cleaned,
          data.labels,
          // The file's rows: the transfer set's texts carry no label of the data's.
          bagging
            ? range(0, data.labels.length)
            : run.split.trainRows.filter((r) => r < (run.transfer?.from ?? Infinity)),
          run.classes.labels.length,
        )
      : null;
    result.memoryPhrases = memory?.size ?? 0;
    const meta = makeMeta({
      classes: run.classes,
      members: members.map(({ member, path }) => member.entry(path)),
      blend,
      memory: memory ? { phrases: memory.size } : null,
      settings,
      dataFile: opts.dataFile,
      dataSha256: run.sha256,
      engine: engine.info.name,
      tfjsVersion: tf.version_core,
      bagging,
    });
    const history: HistoryFile = {
      settings: settingsToJson(settings),
      epochs: lstm.history,
      kept_epoch: lstm.kept?.epoch ?? null,
      ...(others.length ? { members: others } : {}),
    };
    const files = await saveModelDirectory(
      opts.out,
      {
        members,
        memory,
        history,
        meta,
        outOfFold: outOfFold && outOfFoldGzip(outOfFold),
        save: { quantize: settings.float16 ? 'float16' : null },
        // A run on folds writes none: a checkpoint/ there is another run's, which --resume would take up.
        keepCheckpoint: settings.keepCheckpoint && !bagging,
      },
      opts.onStaged,
    );
    reporter.onSaved?.(opts.out, files);
    return { ...result, checkpoint: settings.keepCheckpoint ? result.checkpoint : null, interrupted: null };
  } finally {
    for (const { member } of members) member.dispose();
  }
}

/** A bagged preset's training, in the shape of one split's: the scores are each member's and the blend's mean over the folds. */
async function bagged(
  run: StartedRun,
  folds: number,
  opts: TrainRunOptions,
  reporter: TrainReporter,
): Promise<Omit<TrainedMembers, 'valOutputs'> & { bagging: BaggingRecord | null; outOfFold: OutOfFoldTable | null }> {
  const b = await trainBagged(run, folds, opts, reporter);
  if (b === null)
    return {
      primary: NOTHING_TRAINED,
      members: [],
      others: [],
      scores: [],
      blend: null,
      bagging: null,
      outOfFold: null,
    };
  return {
    primary: b.first.primary,
    members: b.members,
    others: b.others,
    scores: b.record.summary.map((s) => ({ kind: s.kind, valAcc: s.mean, valLoss: null })),
    blend: b.blend,
    bagging: b.record,
    outOfFold: b.outOfFold,
  };
}
