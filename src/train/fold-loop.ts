/**
 * The one fold loop, for cross-validation (cross-validate.ts) and the `best` preset (bagging.ts): the
 * preset's members trained on each fold by groups (foldSplit: a group is never on both sides), each
 * fold's members answering its held-out rows, which gathers every row's out-of-fold probabilities.
 * With every fold done and several members, those fit the stack: the members' blend fitted out of
 * fold, each fold scored by weights fitted on the other folds' rows (stack.ts).
 */
import { foldSplit } from '../data/split.ts';
import type { EpochLog } from '../model/history.ts';
import { OutOfFold, type OutOfFoldTable } from './out-of-fold.ts';
import { fitStack, meanSd, type StackFit } from './stack.ts';
import { type StartedRun, startRun, type TrainReporter, type TrainRunOptions } from './start-run.ts';
import { type MemberScore, type TrainedMembers, trainMembers } from './train-members.ts';

/** The kind under which the stack's scores are listed beside the members' (and `blend`, fitted on a fold's own rows). */
export const STACK = 'stack';

export interface FoldResult {
  fold: number;
  trainRows: number;
  valRows: number;
  /** The kept epoch of the fold's first recurrent member. */
  kept: EpochLog | null;
  /** Each member's, the in-fold blend's (several members) and the stack's (every fold done) scores on the fold's held-out rows. */
  scores: MemberScore[];
}

export interface FoldRuns {
  folds: FoldResult[];
  /** Each fold's training; its members are disposed unless the loop was asked to keep them. */
  trained: TrainedMembers[];
  /** The member kinds, in the preset's order. */
  kinds: string[];
  /** Set when a signal stopped the loop: `folds` holds the folds done before it. */
  interrupted: string | null;
  /** Every row's out-of-fold probabilities: only when every fold was done. */
  outOfFold: OutOfFoldTable | null;
  /** The stack fitted on them: only when every fold was done with several members. */
  stack: StackFit | null;
}

/** Reads the data and starts the engine for a run of `k` folds (the data summary shows fold 1's split). */
export function startFoldRun(opts: TrainRunOptions, reporter: TrainReporter, k: number): Promise<StartedRun> {
  return startRun(opts, reporter, ({ groups }) => foldSplit(groups, k, 0), k);
}

/**
 * Trains `k` folds of `run`'s preset. `keepMembers`: the fold models are kept (the caller disposes
 * them); else each fold's are disposed once they have answered.
 */
export async function trainFolds(
  run: StartedRun,
  k: number,
  opts: TrainRunOptions,
  reporter: TrainReporter,
  keepMembers: boolean,
): Promise<FoldRuns> {
  const labels = run.data.labels;
  const oof = new OutOfFold(labels.length, run.classes.labels.length);
  const folds: FoldResult[] = [];
  const trained: TrainedMembers[] = [];
  let kinds: string[] = [];
  const stopped = (): FoldRuns => ({
    folds,
    trained,
    kinds,
    interrupted: String(opts.signal?.reason ?? 'aborted'),
    outOfFold: null,
    stack: null,
  });
  try {
    for (let f = 0; f < k; f++) {
      reporter.onFold?.(f + 1, k);
      const split = foldSplit(run.groups, k, f);
      const t = await trainMembers(run, split, opts, null, reporter);
      if (t.members.length === 0) return stopped();
      kinds = t.members.map(({ member }) => member.kind);
      if (!keepMembers) for (const { member } of t.members) member.dispose();
      trained.push(keepMembers ? t : { ...t, members: [] });
      oof.add(f, split.valRows, t.valOutputs);
      folds.push({
        fold: f + 1,
        trainRows: split.trainRows.length,
        valRows: split.valRows.length,
        kept: t.primary.kept,
        scores: t.scores,
      });
    }
  } catch (err) {
    disposeFolds(trained);
    throw err;
  }
  let stack: StackFit | null = null;
  if (kinds.length > 1) {
    reporter.onStack?.({ rows: oof.rows, members: kinds.length, folds: k });
    stack = fitStack(oof.probabilities, labels, oof.foldOf, k, oof.k);
    folds.forEach((fold, f) =>
      fold.scores.push({ kind: STACK, valAcc: stack?.folds[f].acc ?? null, valLoss: stack?.folds[f].loss ?? null }),
    );
  }
  return {
    folds,
    trained,
    kinds,
    interrupted: null,
    outOfFold: { kinds, oof, rowLabels: labels, labels: run.classes.labels },
    stack,
  };
}

/** Disposes every fold model the loop kept. */
export function disposeFolds(trained: ReadonlyArray<TrainedMembers>): void {
  for (const t of trained) for (const { member } of t.members) member.dispose();
}

/** Mean and sd of each kind's val_acc over the folds (the kinds of the first fold, in its order). */
export function summariseFolds(
  folds: ReadonlyArray<{ scores: ReadonlyArray<{ kind: string; valAcc: number | null }> }>,
): { kind: string; mean: number; sd: number }[] {
  if (folds.length === 0) return [];
  return folds[0].scores.map(({ kind }) => ({
    kind,
    ...meanSd(folds.map((f) => f.scores.find((s) => s.kind === kind)?.valAcc ?? NaN)),
  }));
}
