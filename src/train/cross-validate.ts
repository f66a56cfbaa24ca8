/**
 * K-fold cross-validation by groups (the Kaggle file's SentenceId: a sentence's phrases are never on
 * both sides): the fold loop (fold-loop.ts) with nothing kept but the scores. No model is saved; the run
 * writes crossval.json (each fold's scores, their means, and whether a signal stopped it) and, with
 * every fold done, oof.tsv.gz (every row's out-of-fold probabilities, by member) in `out`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import type { Blend } from '../model/blend.ts';
import { OUT_OF_FOLD_FILE } from '../model/directory.ts';
import { type RunSettings, settingsToJson } from '../settings.ts';
import { type FoldResult, startFoldRun, summariseFolds, trainFolds } from './fold-loop.ts';
import { runInputs, withModelOutput } from './model-output.ts';
import { type OutOfFoldTable, outOfFoldGzip } from './out-of-fold.ts';
import { checkRunOptions, type TrainReporter, type TrainRunOptions } from './start-run.ts';

export type { FoldResult } from './fold-loop.ts';

export const CROSSVAL_FILE = 'crossval.json';

export interface CrossValidation {
  folds: FoldResult[];
  /** For each member, the in-fold blend and the stack: mean and standard deviation of val_acc over the folds. */
  summary: { kind: string; mean: number; sd: number }[];
  settings: RunSettings;
  /** Set when a signal stopped it: the folds done so far are in `folds` (and crossval.json says so). */
  interrupted: string | null;
  /** Every member's out-of-fold probabilities (all folds done), with the member kinds in order; else null. */
  outOfFold: OutOfFoldTable | null;
  /** The stack (the members' blend fitted out of fold), fitted on every row: with every fold done and several members. */
  stack: Blend | null;
  /** The files written in `out`: crossval.json, then oof.tsv.gz when every fold was done. */
  files: string[];
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
  const run = await startFoldRun({ ...opts, resume: false }, reporter, k);
  // Each fold's members are disposed by the loop once they have answered.
  const loop = await trainFolds(run, k, opts, reporter, false);
  const summary = summariseFolds(loop.folds);
  await mkdir(opts.out, { recursive: true });
  const files = [join(opts.out, CROSSVAL_FILE)];
  await writeFileAtomic(
    files[0],
    `${JSON.stringify(
      {
        folds: loop.folds,
        summary,
        folds_planned: k,
        // A stopped run's file says so: its folds are the ones done, its means theirs.
        interrupted: loop.interrupted,
        settings: settingsToJson(run.settings),
        data_file: opts.dataFile,
      },
      null,
      2,
    )}\n`,
  );
  if (loop.outOfFold) {
    files.push(join(opts.out, OUT_OF_FOLD_FILE));
    await writeFileAtomic(files[1], outOfFoldGzip(loop.outOfFold));
  }
  return {
    folds: loop.folds,
    summary,
    settings: run.settings,
    interrupted: loop.interrupted,
    outOfFold: loop.outOfFold,
    stack: loop.stack?.blend ?? null,
    files,
  };
}
