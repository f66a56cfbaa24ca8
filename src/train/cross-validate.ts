/**
 * K-fold cross-validation by groups (the Kaggle file's SentenceId: a sentence's phrases are never on
 * both sides): each fold's groups, a contiguous block of the file, validate what the others train.
 * No model is saved; each fold trains the whole preset from scratch. With several members, every
 * row's out-of-fold probabilities also fit a blend on every row (stack.ts), scored fold by fold.
 */
import { foldSplit } from '../data/split.ts';
import type { EpochLog } from '../model/history.ts';
import type { RunSettings } from '../settings.ts';
import { runInputs, withModelOutput } from './model-output.ts';
import { OutOfFold, type OutOfFoldTable } from './out-of-fold.ts';
import { fitStack, meanSd } from './stack.ts';
import { checkRunOptions, startRun, type TrainReporter, type TrainRunOptions } from './start-run.ts';
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
  /** Every member's out-of-fold probabilities (all folds done), with the member kinds in order; else null. */
  outOfFold: OutOfFoldTable | null;
}

export async function crossValidate(
  given: TrainRunOptions,
  k: number,
  reporter: TrainReporter = {},
): Promise<CrossValidation> {
  checkRunOptions(given, k);
  return withModelOutput(given.out, runInputs(given), (out) => foldByFold({ ...given, out }, k, reporter));
}

async function foldByFold(opts: TrainRunOptions, k: number, reporter: TrainReporter): Promise<CrossValidation> {
  const run = await startRun({ ...opts, resume: false }, reporter, ({ groups }) => foldSplit(groups, k, 0), k);
  const folds: FoldResult[] = [];
  const labels = run.data.labels;
  const oof = new OutOfFold(labels.length, run.classes.labels.length);
  let kinds: string[] = [];
  const done = (interrupted: string | null): CrossValidation => {
    const whole = interrupted === null && folds.length === k;
    // The blend fitted out of fold: each fold scored by weights fitted on the other folds' rows.
    if (whole && oof.probabilities.length > 1) {
      reporter.onStack?.({ rows: oof.rows, members: oof.probabilities.length, folds: k });
      const stack = fitStack(oof.probabilities, labels, oof.foldOf, k, oof.k);
      folds.forEach((f, i) =>
        f.scores.push({ kind: 'stack', valAcc: stack.folds[i].acc, valLoss: stack.folds[i].loss }),
      );
    }
    return {
      folds,
      summary: summarise(folds),
      settings: run.settings,
      interrupted,
      outOfFold: whole ? { kinds, oof, rowLabels: labels, labels: run.classes.labels } : null,
    };
  };
  for (let i = 0; i < k; i++) {
    reporter.onFold?.(i + 1, k);
    const split = foldSplit(run.groups, k, i);
    const t = await trainMembers(run, split, opts, null, reporter);
    kinds = t.members.map(({ member }) => member.kind);
    for (const { member } of t.members) member.dispose();
    if (t.members.length === 0) return done(String(opts.signal?.reason ?? 'aborted'));
    oof.add(i, split.valRows, t.valOutputs);
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
  return folds[0].scores.map(({ kind }) => ({
    kind,
    ...meanSd(folds.map((f) => f.scores.find((s) => s.kind === kind)?.valAcc ?? NaN)),
  }));
}
