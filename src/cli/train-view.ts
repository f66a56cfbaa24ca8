/** How `sentiment train` shows what a run gave: pure functions from results to lines, each testable alone. */
import chalk from 'chalk';
import type { Blend } from '../model/blend.ts';
import type { EpochLog } from '../model/history.ts';
import { DEFAULT_SETTINGS } from '../settings.ts';
import type { CrossValidation } from '../train/cross-validate.ts';
import { STACK } from '../train/fold-loop.ts';
import type { TrainResult } from '../train/train-model.ts';
import { fmt4, formatCount } from './format.ts';

/** A fold's line as both fold runs give it. */
export interface FoldLine {
  fold: number;
  trainRows: number;
  valRows: number;
  kept?: EpochLog | null;
  scores: ReadonlyArray<{ kind: string; valAcc: number | null }>;
}

/** Each fold's scores, then each member's, the in-fold blend's and the stack's mean ± sd over the folds. */
export function foldLines(
  folds: ReadonlyArray<FoldLine>,
  summary: ReadonlyArray<{ kind: string; mean: number; sd: number }>,
  stack: Blend | null = null,
): string[] {
  const lines = folds.map((f) => {
    const kept = f.kept === undefined ? '' : ` kept epoch ${f.kept?.epoch ?? '-'};`;
    return `${chalk.bold(`fold ${f.fold}`)}  ${formatCount(f.trainRows)} train, ${formatCount(f.valRows)} validation rows;${kept} ${f.scores.map((s) => `${s.kind} ${fmt4(s.valAcc)}`).join(', ')}`;
  });
  for (const s of summary)
    lines.push(
      `${chalk.bold('mean')}    ${summaryName(s.kind, stack)}: val_acc ${chalk.green(fmt4(s.mean))} ± ${fmt4(s.sd)} over ${folds.length} folds`,
    );
  return lines;
}

function summaryName(kind: string, stack: Blend | null): string {
  if (kind === 'blend') return "blend (fitted on each fold's own rows)";
  if (kind !== STACK) return kind;
  const how = stack
    ? `, ${stack.method === 'logistic' ? 'a logistic regression over their log-probabilities' : `${stack.method}, weights ${weights(stack)}`}`
    : '';
  return `stack (the members' blend${how}, fitted out of fold)`;
}

const weights = (blend: Blend) => blend.weights.map((w) => w.toFixed(2)).join(' / ');

/** What cross-validation did: its folds, the files it wrote, and whether a signal stopped it. */
export function crossValidationLines(cv: CrossValidation, k: number): string[] {
  const [crossval, oof] = cv.files;
  const lines = foldLines(cv.folds, cv.summary, cv.stack);
  lines.push(`${chalk.bold('saved')}   ${crossval}${cv.interrupted ? ' (the folds done before the stop)' : ''}`);
  if (oof) lines.push(`${chalk.bold('saved')}   ${oof} (each row's out-of-fold probabilities, by member)`);
  if (cv.interrupted)
    lines.push(`${chalk.yellow('stopped')} by ${cv.interrupted} after ${cv.folds.length} of ${k} folds`);
  return lines;
}

/** A run a signal stopped: where its checkpoint is and the command that resumes it. */
export function stoppedLines(result: TrainResult, file: string): string[] {
  const epochs = result.settings.epochs;
  const again = `sentiment train ${file} --out ${result.out} --resume${epochs !== DEFAULT_SETTINGS.epochs ? ` --epochs ${epochs}` : ''}`;
  return [
    result.checkpoint
      ? `${chalk.yellow('stopped')} by ${result.interrupted} after epoch ${result.completedEpochs}/${epochs}; checkpoint in ${result.checkpoint}/\n        resume with: ${again}`
      : `${chalk.yellow('stopped')} by ${result.interrupted} before the first epoch ended; nothing to resume`,
  ];
}

/** A finished run: the folds (best), or the kept and best epochs; each member's and the blend's scores; the memory. */
export function trainedLines(result: TrainResult): string[] {
  const { kept, best, settings } = result;
  const lines: string[] = [];
  if (result.bagging) lines.push(...foldLines(result.bagging.per_fold, result.bagging.summary, result.bagging.stack));
  else if (result.stoppedEarly && best)
    lines.push(
      `${chalk.bold('stopped')} early: ${settings.earlyStop} epoch${settings.earlyStop === 1 ? '' : 's'} without a better ${settings.monitor} than epoch ${best.epoch}'s`,
    );
  if (kept && !result.bagging) {
    const why =
      settings.keep === 'last'
        ? 'the last epoch'
        : kept.val_acc === null
          ? 'the lowest training loss: no validation rows'
          : `the best ${settings.monitor}`;
    const scores =
      kept.val_acc === null
        ? `loss ${chalk.green(fmt4(kept.loss))}`
        : `val_acc ${chalk.green(fmt4(kept.val_acc))}, val_loss ${fmt4(kept.val_loss)}`;
    lines.push(`${chalk.bold('kept')}    epoch ${kept.epoch} (${why}): ${scores}`);
    // A teacher trains on every row of the file, so a student's validation rows are its teacher's training rows.
    if (settings.teacher !== null && kept.val_acc !== null && settings.validationFile === null)
      lines.push(
        chalk.yellow(
          `note: the teacher ${settings.teacher} trained on these validation rows: val_acc flatters the student (score a file neither saw)`,
        ),
      );
    if (best && best !== kept && best.val_acc !== null)
      lines.push(
        `${chalk.bold('best')}    epoch ${best.epoch}: val_acc ${fmt4(best.val_acc)}, val_loss ${fmt4(best.val_loss)}`,
      );
  }
  if (result.scores.length > 1 && !result.bagging)
    for (const s of result.scores) {
      const blend = s.kind === 'blend';
      const name = !blend
        ? `member ${s.kind}`
        : result.blend
          ? `blend (${result.blend.method}, weights ${weights(result.blend)})`
          : 'blend';
      lines.push(
        `${chalk.bold('score')}   ${name}: val_acc ${blend ? chalk.green(fmt4(s.valAcc)) : fmt4(s.valAcc)}, val_loss ${fmt4(s.valLoss)}`,
      );
    }
  if (result.memoryPhrases > 0)
    lines.push(
      `${chalk.bold('memory')}  ${formatCount(result.memoryPhrases)} training phrases and their labels (predict answers these from memory; --no-memory to leave it out)`,
    );
  return lines;
}
