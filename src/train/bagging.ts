/**
 * A preset trained on every fold (the `best` preset): the fold loop (fold-loop.ts) with every fold's
 * members kept. Its stack (the members' blend fitted out of fold) weighs the member kinds; the fold
 * models together are the model, each kind's fold copies sharing its weight equally (bagging), so
 * every labelled row trained some of it.
 */
import type { Blend } from '../model/blend.ts';
import type { MemberHistory } from '../model/history.ts';
import type { BaggingRecord, FoldScores } from '../model/meta.ts';
import type { Member } from '../model/member.ts';
import { disposeFolds, summariseFolds, trainFolds } from './fold-loop.ts';
import type { OutOfFoldTable } from './out-of-fold.ts';
import type { StartedRun, TrainReporter, TrainRunOptions } from './start-run.ts';
import type { TrainedMembers } from './train-members.ts';

export interface BaggedMembers {
  /** Fold 1's training (its first member's epochs make history.json). */
  first: TrainedMembers;
  /** Every fold's members: fold 1's where an ensemble puts them, fold f's under fold-f/. */
  members: { member: Member; path: string }[];
  /** The blend of every fold's members: each kind's stack weight shared by its fold copies. */
  blend: Blend;
  /** The other folds' recurrent members' epochs, after fold 1's others. */
  others: MemberHistory[];
  record: BaggingRecord;
  /** Every row's out-of-fold probabilities by member kind: what the stack was fitted on. */
  outOfFold: OutOfFoldTable;
}

/** Where fold `fold`'s (1-based) member goes, given where an ensemble would put it. */
export function foldPath(fold: number, path: string): string {
  if (fold === 1) return path;
  return path === '.' ? `fold-${fold}` : `fold-${fold}/${path}`;
}

/** Trains every fold (the fold loop, keeping each fold's members); null when a signal stopped it (nothing kept). */
export async function trainBagged(
  run: StartedRun,
  folds: number,
  opts: TrainRunOptions,
  reporter: TrainReporter,
): Promise<BaggedMembers | null> {
  const loop = await trainFolds(run, folds, opts, reporter, true);
  const { trained, outOfFold } = loop;
  if (loop.interrupted !== null || outOfFold === null) {
    disposeFolds(trained);
    return null;
  }
  const perFold: FoldScores[] = loop.folds.map((f) => ({
    fold: f.fold,
    trainRows: f.trainRows,
    valRows: f.valRows,
    scores: f.scores.map((s) => ({ kind: s.kind, valAcc: s.valAcc ?? NaN, valLoss: s.valLoss ?? NaN })),
  }));
  // One member: nothing to weigh (no stack), but its fold copies still answer together.
  const stack: Blend = loop.stack?.blend ?? { method: 'linear', weights: [1] };
  const members = trained.flatMap((t, f) =>
    t.members.map(({ member, path }) => ({ member, path: foldPath(f + 1, path) })),
  );
  const blend: Blend = stack.logistic
    ? {
        method: 'logistic',
        weights: members.map(() => 1 / members.length),
        logistic: { ...stack.logistic, groups: trained.flatMap((t) => t.members.map((_, m) => m)) },
      }
    : {
        method: stack.method,
        weights: trained.flatMap((t) => t.members.map((_, m) => stack.weights[m] / folds)),
      };
  // Fold 1's first member's epochs are history.json's own; every other recurrent member's, by fold.
  const others: MemberHistory[] = trained.flatMap((t, f) =>
    [
      ...(f > 0 && t.primary.history.length > 0
        ? [{ kind: t.members[0].member.kind, epochs: t.primary.history, kept_epoch: t.primary.kept?.epoch ?? null }]
        : []),
      ...t.others,
    ].map((h) => ({ ...h, fold: f + 1 })),
  );
  return {
    first: trained[0],
    members,
    blend,
    others,
    record: { folds, stack, per_fold: perFold, summary: summariseFolds(loop.folds) },
    outOfFold,
  };
}
