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
import { withModelOutput } from './model-output.ts';
import { startRun, type TrainReporter, type TrainRunOptions, validationRule } from './start-run.ts';
import { type MemberScore, trainMembers } from './train-members.ts';

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
  checkpoint: string | null;
  /** The settings the run used (a resumed run's come from its checkpoint). */
  settings: RunSettings;
  /** Each member's validation scores, then the blend's (with more than one member). */
  scores: MemberScore[];
  blend: Blend | null;
  /** Training phrases the phrase memory holds (0 without one). */
  memoryPhrases: number;
}

export async function runTraining(given: TrainRunOptions, reporter: TrainReporter = {}): Promise<TrainResult> {
  return withModelOutput(given.out, (out) => train({ ...given, out }, reporter));
}

async function train(opts: TrainRunOptions, reporter: TrainReporter): Promise<TrainResult> {
  const run = await startRun(opts, reporter, validationRule);
  const { settings, data, engine } = run;
  const {
    primary: lstm,
    members,
    others,
    scores,
    blend,
  } = await trainMembers(run, run.split, opts, opts.out, reporter);
  const result = {
    history: lstm.history,
    best: lstm.best,
    kept: lstm.kept,
    stoppedEarly: lstm.stoppedEarly,
    out: opts.out,
    engine: engine.info,
    completedEpochs: lstm.history.length,
    checkpoint: lstm.history.length > 0 ? checkpointPath(opts.out) : null,
    settings,
    scores,
    blend,
    memoryPhrases: 0,
  };
  if (members.length === 0) return { ...result, interrupted: String(opts.signal?.reason ?? 'aborted') };
  try {
    const memory = settings.memory
      ? PhraseMemory.build(data.cleaned, data.labels, run.split.trainRows, run.classes.labels.length)
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
    });
    const history: HistoryFile = {
      settings: settingsToJson(settings),
      epochs: lstm.history,
      kept_epoch: lstm.kept?.epoch ?? null,
      ...(others.length ? { members: others } : {}),
    };
    const files = await saveModelDirectory(opts.out, { members, memory, history, meta }, opts.onStaged);
    reporter.onSaved?.(opts.out, files);
    return { ...result, interrupted: null };
  } finally {
    for (const { member } of members) member.dispose();
  }
}
