/** `sentiment train FILE`: flags in, progress out, work done by runTraining; Ctrl-C stops cleanly. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { SettingError } from '../errors.ts';
import type { Blend } from '../model/blend.ts';
import type { EpochLog } from '../model/history.ts';
import { applyPreset, PRESET_TABLE } from '../presets.ts';
import { DEFAULT_SETTINGS, pickSettings, SETTING_KEYS } from '../settings.ts';
import { STACK } from '../train/fold-loop.ts';
import type { TrainRunOptions } from '../train/start-run.ts';
import type { TrainResult } from '../train/train-model.ts';
import { fmt4, formatCount, formatDuration } from './format.ts';
import { TRAIN_FLAGS, type FlagValues } from './options.ts';
import { addOptions, backendFromEnv, reportLstmPasses } from './program.ts';
import { stdoutFailure, watchStdout, writeLine } from './output.ts';
import { EXIT_CODE, type Interrupt, interruptOnSignals } from './signals.ts';
import { canRedraw } from './terminal.ts';

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description(
      'train a sentiment classifier on labelled texts: the Kaggle TSV (PhraseId, SentenceId, Phrase, Sentiment), or your own TSV, CSV or JSON Lines',
    )
    .argument('<file>', 'labelled data, e.g. data/train.tsv or reviews.csv (.gz too)');
  addOptions(cmd, TRAIN_FLAGS);
  cmd.action(async (file: string, flags: FlagValues<typeof TRAIN_FLAGS>) => {
    // Loaded here, not at the top: `--help` and flag errors answer without starting TensorFlow.js.
    const { runTraining } = await import('../train/train-model.ts');
    const { makeTrainReporter } = await import('./train-reporter.ts');
    const started = performance.now();
    const write = writeLine;
    const { plot, resume, folds, out } = flags;
    const chosen = new Set(SETTING_KEYS.filter((k) => cmd.getOptionValueSource(k) === 'cli'));
    const settings = { ...applyPreset(pickSettings(flags), chosen), out };
    const stop = interruptOnSignals();
    // A reader that goes away (`| head`) stops training after the batch, quietly; a full disk on stdout says so.
    watchStdout(() => stop.abort('SIGPIPE'));
    const bagged = PRESET_TABLE[settings.preset].bagFolds !== undefined;
    if (folds !== undefined && !bagged) {
      try {
        if (resume) throw new SettingError('folds', 'trains every fold from scratch: it cannot {resume}');
        if (plot) throw new SettingError('plot', 'cross-validation writes no model and no history to plot');
        await crossValidateCommand(
          {
            ...settings,
            resume: false,
            backend: backendFromEnv(cmd, flags.backend),
            dataFile: file,
            explicit: chosen,
            signal: stop.signal,
          },
          folds,
          settings.epochs,
          write,
          flags.verbose === true,
        );
      } finally {
        releaseSignals(stop);
      }
      const failed = stdoutFailure();
      if (failed) throw failed;
      write(`${chalk.bold('done')}    in ${formatDuration((performance.now() - started) / 1000)}`);
      return;
    }
    let result: TrainResult;
    try {
      result = await runTraining(
        {
          ...settings,
          resume: resume === true,
          backend: backendFromEnv(cmd, flags.backend),
          dataFile: file,
          nativeLogs: flags.verbose === true,
          explicit: chosen,
          signal: stop.signal,
          folds,
        },
        {
          ...makeTrainReporter({
            epochs: settings.epochs,
            tty: canRedraw(process.stdout),
            write,
            verbose: flags.verbose === true,
          }),
          onFold: (fold, of) => write(chalk.bold(`fold ${fold}/${of}`)),
        },
      );
    } finally {
      releaseSignals(stop);
    }
    const failed = stdoutFailure();
    if (failed) throw failed;
    if (result.interrupted === 'SIGPIPE') return;
    if (result.interrupted !== null) {
      const again = `sentiment train ${file} --out ${result.out} --resume${settings.epochs !== DEFAULT_SETTINGS.epochs ? ` --epochs ${settings.epochs}` : ''}`;
      write(
        result.checkpoint
          ? `${chalk.yellow('stopped')} by ${result.interrupted} after epoch ${result.completedEpochs}/${settings.epochs}; checkpoint in ${result.checkpoint}/\n        resume with: ${again}`
          : `${chalk.yellow('stopped')} by ${result.interrupted} before the first epoch ended; nothing to resume`,
      );
      process.exitCode = EXIT_CODE[result.interrupted] ?? 1;
      return;
    }
    const { kept, best } = result;
    if (result.bagging) printFolds(result.bagging.per_fold, result.bagging.summary, write, result.bagging.stack);
    else if (result.stoppedEarly && best)
      write(
        `${chalk.bold('stopped')} early: ${result.settings.earlyStop} epoch${result.settings.earlyStop === 1 ? '' : 's'} without a better ${result.settings.monitor} than epoch ${best.epoch}'s`,
      );
    if (kept && !result.bagging) {
      const why =
        result.settings.keep === 'last'
          ? 'the last epoch'
          : kept.val_acc === null
            ? 'the lowest training loss: no validation rows'
            : `the best ${result.settings.monitor}`;
      const scores =
        kept.val_acc === null
          ? `loss ${chalk.green(fmt4(kept.loss))}`
          : `val_acc ${chalk.green(fmt4(kept.val_acc))}, val_loss ${fmt4(kept.val_loss)}`;
      write(`${chalk.bold('kept')}    epoch ${kept.epoch} (${why}): ${scores}`);
      if (best && best !== kept && best.val_acc !== null)
        write(
          `${chalk.bold('best')}    epoch ${best.epoch}: val_acc ${fmt4(best.val_acc)}, val_loss ${fmt4(best.val_loss)}`,
        );
    }
    for (const s of result.scores) {
      const name =
        s.kind === 'blend'
          ? `blend (${result.blend?.method}, weights ${result.blend?.weights.map((w) => w.toFixed(2)).join(' / ')})`
          : `member ${s.kind}`;
      if (result.scores.length > 1 && !result.bagging)
        write(
          `${chalk.bold('score')}   ${name}: val_acc ${s.kind === 'blend' ? chalk.green(fmt4(s.valAcc)) : fmt4(s.valAcc)}, val_loss ${fmt4(s.valLoss)}`,
        );
    }
    if (result.memoryPhrases > 0)
      write(
        `${chalk.bold('memory')}  ${formatCount(result.memoryPhrases)} training phrases and their labels (predict answers these from memory; --no-memory to leave it out)`,
      );
    if (plot) {
      const { plotHistory } = await import('../plot/plot-history.ts');
      const drawn = await plotHistory({ modelDir: result.out, theme: 'dark' });
      write(`${chalk.bold('plot')}    ${drawn.written.join(', ')}`);
    }
    await reportLstmPasses(result.engine, flags.verbose === true);
    write(
      `${chalk.bold('done')}    in ${formatDuration((performance.now() - started) / 1000)} on ${result.engine.name}; model in ${result.out}/`,
    );
  });
}

async function crossValidateCommand(
  opts: TrainRunOptions,
  k: number,
  epochs: number,
  write: (line: string) => void,
  verbose: boolean,
): Promise<void> {
  const { crossValidate } = await import('../train/cross-validate.ts');
  const { makeTrainReporter } = await import('./train-reporter.ts');
  const reporter = makeTrainReporter({ epochs, tty: canRedraw(process.stdout), write, verbose });
  const cv = await crossValidate(opts, k, {
    ...reporter,
    onFold: (fold, of) => write(`${chalk.bold(`fold ${fold}/${of}`)}`),
  });
  printFolds(cv.folds, cv.summary, write, cv.stack);
  const [crossval, oof] = cv.files;
  write(`${chalk.bold('saved')}   ${crossval}${cv.interrupted ? ' (the folds done before the stop)' : ''}`);
  if (oof) write(`${chalk.bold('saved')}   ${oof} (each row's out-of-fold probabilities, by member)`);
  if (cv.interrupted) {
    write(`${chalk.yellow('stopped')} by ${cv.interrupted} after ${cv.folds.length} of ${k} folds`);
    process.exitCode = EXIT_CODE[cv.interrupted] ?? 1;
  }
}

/** Each fold's scores, then each member's and the blend's mean ± sd over the folds. */
function printFolds(
  folds: ReadonlyArray<{
    fold: number;
    trainRows: number;
    valRows: number;
    kept?: EpochLog | null;
    scores: ReadonlyArray<{ kind: string; valAcc: number | null }>;
  }>,
  summary: ReadonlyArray<{ kind: string; mean: number; sd: number }>,
  write: (line: string) => void,
  stack: Blend | null = null,
): void {
  for (const f of folds) {
    const kept = f.kept === undefined ? '' : ` kept epoch ${f.kept?.epoch ?? '-'};`;
    write(
      `${chalk.bold(`fold ${f.fold}`)}  ${formatCount(f.trainRows)} train, ${formatCount(f.valRows)} validation rows;${kept} ${f.scores.map((s) => `${s.kind} ${fmt4(s.valAcc)}`).join(', ')}`,
    );
  }
  for (const s of summary) {
    const name =
      s.kind === STACK
        ? `stack (the members' blend${stack ? `, ${stack.method === 'logistic' ? 'a logistic regression over their log-probabilities' : `${stack.method}, weights ${stack.weights.map((w) => w.toFixed(2)).join(' / ')}`}` : ''}, fitted out of fold)`
        : s.kind === 'blend'
          ? "blend (fitted on each fold's own rows)"
          : s.kind;
    write(
      `${chalk.bold('mean')}    ${name}: val_acc ${chalk.green(fmt4(s.mean))} ± ${fmt4(s.sd)} over ${folds.length} folds`,
    );
  }
}

/**
 * Training is over: the signal handlers go, unless a signal stopped it. Then they stay until the
 * process ends, so that another Ctrl-C during the last lines still quits at once with its code.
 */
function releaseSignals(stop: Interrupt): void {
  if (!stop.signal.aborted) stop.dispose();
}
