/**
 * A preset trained on every fold (the `best` preset): each fold's members train on the other folds'
 * groups and answer the held-out fold, so every row gets each member's out-of-fold probabilities.
 * Those fit the blend (stack.ts); the fold models together are the model, each member kind's fold
 * copies sharing its weight equally (bagging), so every labelled row trained some of it.
 */
import { foldSplit } from '../data/split.ts';
import type { Blend } from '../model/blend.ts';
import type { Scores } from '../model/scores.ts';
import type { MemberHistory } from '../model/history.ts';
import type { BaggingRecord, FoldScores } from '../model/meta.ts';
import type { Member } from '../model/member.ts';
import { OutOfFold, type OutOfFoldTable } from './out-of-fold.ts';
import { fitStack, meanSd } from './stack.ts';
import type { StartedRun, TrainReporter, TrainRunOptions } from './start-run.ts';
import { trainMembers, type TrainedMembers } from './train-members.ts';

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

/** Trains every fold; null when a signal stopped it (nothing kept). */
export async function trainBagged(
  run: StartedRun,
  folds: number,
  opts: TrainRunOptions,
  reporter: TrainReporter,
): Promise<BaggedMembers | null> {
  const { data } = run;
  const k = run.classes.labels.length;
  const oof = new OutOfFold(data.labels.length, k);
  const trained: TrainedMembers[] = [];
  const perFold: FoldScores[] = [];
  const disposeAll = () => {
    for (const t of trained) for (const { member } of t.members) member.dispose();
  };
  try {
    for (let f = 0; f < folds; f++) {
      reporter.onFold?.(f + 1, folds);
      const split = foldSplit(run.groups, folds, f);
      const t = await trainMembers(run, split, opts, null, reporter);
      if (t.members.length === 0) {
        disposeAll();
        return null;
      }
      trained.push(t);
      oof.add(f, split.valRows, t.valOutputs);
      perFold.push({
        fold: f + 1,
        trainRows: split.trainRows.length,
        valRows: split.valRows.length,
        scores: t.scores
          .filter((s) => s.kind !== 'blend')
          .map((s) => ({ kind: s.kind, valAcc: s.valAcc ?? NaN, valLoss: s.valLoss ?? NaN })),
      });
    }
  } catch (err) {
    disposeAll();
    throw err;
  }
  const kinds = trained[0].members.map(({ member }) => member.kind);
  // One member: nothing to weigh, but its fold copies still answer together.
  if (kinds.length > 1) reporter.onStack?.({ rows: oof.rows, members: kinds.length, folds });
  const stack: { blend: Blend; folds: Scores[] } =
    kinds.length > 1
      ? fitStack(oof.probabilities, data.labels, oof.foldOf, folds, k)
      : {
          blend: { method: 'linear' as const, weights: [1] },
          folds: perFold.map((p) => {
            const s = p.scores[0];
            return { acc: s.valAcc, loss: s.valLoss, count: p.valRows };
          }),
        };
  if (kinds.length > 1)
    perFold.forEach((p, f) =>
      p.scores.push({ kind: 'blend', valAcc: stack.folds[f].acc, valLoss: stack.folds[f].loss }),
    );
  const summary = perFold[0].scores.map(({ kind }) => ({
    kind,
    ...meanSd(perFold.map((p) => p.scores.find((s) => s.kind === kind)?.valAcc ?? NaN)),
  }));
  const members = trained.flatMap((t, f) =>
    t.members.map(({ member, path }) => ({ member, path: foldPath(f + 1, path) })),
  );
  const blend: Blend = stack.blend.logistic
    ? {
        method: 'logistic',
        weights: members.map(() => 1 / members.length),
        logistic: { ...stack.blend.logistic, groups: trained.flatMap((t) => t.members.map((_, m) => m)) },
      }
    : {
        method: stack.blend.method,
        weights: trained.flatMap((t) => t.members.map((_, m) => stack.blend.weights[m] / folds)),
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
    record: { folds, stack: stack.blend, per_fold: perFold, summary },
    outOfFold: { kinds, oof, rowLabels: data.labels, labels: run.classes.labels },
  };
}
