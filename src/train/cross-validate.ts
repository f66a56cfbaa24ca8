/**
 * K-fold cross-validation by groups (the Kaggle file's SentenceId: a sentence's phrases are never on
 * both sides): each fold's groups, a contiguous block of the file, validate what the others train.
 * Nothing is saved; each fold trains the whole preset from scratch.
 */
import { foldSplit } from '../data/split.ts';
import type { EpochLog } from '../model/history.ts';
import type { RunSettings } from '../settings.ts';
import { withModelOutput } from './model-output.ts';
import { startRun, type TrainReporter, type TrainRunOptions } from './start-run.ts';
import { type MemberScore, trainMembers } from './train-members.ts';

export interface FoldResult {
  fold: number;
  trainRows: number;
  valRows: number;
  /** The kept epoch of the LSTM. */
  kept: EpochLog | null;
  scores: MemberScore[];
}

export interface CrossValidation {
  folds: FoldResult[];
  /** For each member and the blend: mean and standard deviation of val_acc over the folds. */
  summary: { kind: string; mean: number; sd: number }[];
  settings: RunSettings;
  /** Set when a signal stopped it: the folds done so far are in `folds`. */
  interrupted: string | null;
}

export type FoldReporter = TrainReporter & { onFold?(fold: number, of: number): void };

export async function crossValidate(
  given: TrainRunOptions,
  k: number,
  reporter: FoldReporter = {},
): Promise<CrossValidation> {
  return withModelOutput(given.out, (out) => foldByFold({ ...given, out }, k, reporter));
}

async function foldByFold(opts: TrainRunOptions, k: number, reporter: FoldReporter): Promise<CrossValidation> {
  const run = await startRun({ ...opts, resume: false }, reporter, ({ groups }) => foldSplit(groups, k, 0), k);
  const folds: FoldResult[] = [];
  const done = (interrupted: string | null): CrossValidation => ({
    folds,
    summary: summarise(folds),
    settings: run.settings,
    interrupted,
  });
  for (let i = 0; i < k; i++) {
    reporter.onFold?.(i + 1, k);
    const split = foldSplit(run.groups, k, i);
    const t = await trainMembers(run, split, opts, null, reporter);
    for (const { member } of t.members) member.dispose();
    if (t.members.length === 0) return done(String(opts.signal?.reason ?? 'aborted'));
    folds.push({
      fold: i + 1,
      trainRows: split.trainRows.length,
      valRows: split.valRows.length,
      kept: t.primary.kept,
      scores: t.scores,
    });
  }
  return done(null);
}

function summarise(folds: FoldResult[]): CrossValidation['summary'] {
  if (folds.length === 0) return [];
  return folds[0].scores.map(({ kind }) => {
    const accs = folds.map((f) => f.scores.find((s) => s.kind === kind)?.valAcc ?? NaN);
    const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
    const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
    return { kind, mean, sd };
  });
}
