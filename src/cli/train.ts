/**
 * `sentiment train FILE`: flags resolved to a run (trainRequest), the run (runTraining or
 * crossValidate, with the signals and progress of a terminal), then its lines (train-view.ts).
 */
import chalk from 'chalk';
import type { Command } from 'commander';
import { SettingError } from '../errors.ts';
import { applyPreset, PRESET_TABLE } from '../presets.ts';
import { pickSettings, SETTING_KEYS } from '../settings.ts';
import type { TrainReporter, TrainRunOptions } from '../train/start-run.ts';
import { formatDuration } from './format.ts';
import { type FlagValues, TRAIN_FLAGS } from './options.ts';
import { stdoutFailure, watchStdout, writeLine } from './output.ts';
import { addOptions, backendFromEnv, reportLstmPasses } from './program.ts';
import { EXIT_CODE, type Interrupt, interruptOnSignals } from './signals.ts';
import { canRedraw } from './terminal.ts';

type TrainFlags = FlagValues<typeof TRAIN_FLAGS>;

/** What the flags ask for: the library's options, and the CLI's own choices. */
export interface TrainRequest {
  /** The run, as runTraining and crossValidate take it (less the signal, which the action adds). */
  run: Omit<TrainRunOptions, 'signal'>;
  /** Cross-validate `folds` folds instead of training a model (a preset that is not bagged, with --folds). */
  crossValidate: number | null;
  plot: boolean;
  verbose: boolean;
}

/** The flags as a run, refusing the combinations no run can honour. No side effects. */
export function trainRequest(
  file: string,
  flags: TrainFlags,
  chosen: ReadonlySet<string>,
  backend: TrainRunOptions['backend'],
): TrainRequest {
  const { plot, resume, folds, out } = flags;
  const explicit = new Set(SETTING_KEYS.filter((k) => chosen.has(k)));
  const settings = { ...applyPreset(pickSettings(flags), explicit), out };
  const crossValidate = folds !== undefined && PRESET_TABLE[settings.preset].bagFolds === undefined ? folds : null;
  if (crossValidate !== null) {
    if (resume) throw new SettingError('folds', 'trains every fold from scratch: it cannot {resume}');
    if (plot) throw new SettingError('plot', 'cross-validation writes no model and no history to plot');
  }
  const verbose = flags.verbose === true;
  return {
    run: {
      ...settings,
      resume: resume === true,
      backend,
      dataFile: file,
      nativeLogs: verbose,
      explicit,
      folds: crossValidate === null ? folds : undefined,
    },
    crossValidate,
    plot: plot === true,
    verbose,
  };
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description(
      'train a sentiment classifier on labelled texts: the Kaggle TSV (PhraseId, SentenceId, Phrase, Sentiment), or your own TSV, CSV or JSON Lines',
    )
    .argument('<file>', 'labelled data, e.g. data/train.tsv or reviews.csv (.gz too)');
  addOptions(cmd, TRAIN_FLAGS);
  cmd.action(async (file: string, flags: TrainFlags) => {
    const chosen = new Set(SETTING_KEYS.filter((k) => cmd.getOptionValueSource(k) === 'cli'));
    const request = trainRequest(file, flags, chosen, backendFromEnv(cmd, flags.backend));
    await runRequest(request, file);
  });
}

/** Runs `request` with Ctrl-C, SIGTERM and a closed stdout stopping it cleanly, and prints what it gave. */
async function runRequest(request: TrainRequest, file: string): Promise<void> {
  // Loaded here, not at the top: `--help` and flag errors answer without starting TensorFlow.js.
  const view = await import('./train-view.ts');
  const started = performance.now();
  const write = writeLine;
  const stop = interruptOnSignals();
  // A reader that goes away (`| head`) stops training after the batch, quietly; a full disk on stdout says so.
  watchStdout(() => stop.abort('SIGPIPE'));
  const reporter = await terminalReporter(request, write);
  const opts = { ...request.run, signal: stop.signal };
  const took = () => formatDuration((performance.now() - started) / 1000);
  if (request.crossValidate !== null) {
    const { crossValidate } = await import('../train/cross-validate.ts');
    const cv = await released(stop, crossValidate(opts, request.crossValidate, reporter));
    for (const line of view.crossValidationLines(cv, request.crossValidate)) write(line);
    if (cv.interrupted) process.exitCode = EXIT_CODE[cv.interrupted] ?? 1;
    else write(`${chalk.bold('done')}    in ${took()}`);
    return;
  }
  const { runTraining } = await import('../train/train-model.ts');
  const result = await released(stop, runTraining(opts, reporter));
  if (result.interrupted === 'SIGPIPE') return;
  if (result.interrupted !== null) {
    for (const line of view.stoppedLines(result, file)) write(line);
    process.exitCode = EXIT_CODE[result.interrupted] ?? 1;
    return;
  }
  for (const line of view.trainedLines(result)) write(line);
  if (request.plot) {
    const { plotHistory } = await import('../plot/plot-history.ts');
    const drawn = await plotHistory({ modelDir: result.out, theme: 'dark' });
    write(`${chalk.bold('plot')}    ${drawn.written.join(', ')}`);
  }
  await reportLstmPasses(result.engine, request.verbose);
  write(`${chalk.bold('done')}    in ${took()} on ${result.engine.name}; model in ${result.out}/`);
}

async function terminalReporter(request: TrainRequest, write: (line: string) => void): Promise<TrainReporter> {
  const { makeTrainReporter } = await import('./train-reporter.ts');
  return {
    ...makeTrainReporter({
      epochs: request.run.epochs,
      tty: canRedraw(process.stdout),
      write,
      verbose: request.verbose,
    }),
    onFold: (fold, of) => write(chalk.bold(`fold ${fold}/${of}`)),
  };
}

/**
 * `work`'s result once the signal handlers are released (unless a signal stopped it: then they stay
 * until the process ends, so another Ctrl-C during the last lines still quits at once with its code),
 * and stdout has not failed.
 */
async function released<T>(stop: Interrupt, work: Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work;
  } finally {
    if (!stop.signal.aborted) stop.dispose();
  }
  const failed = stdoutFailure();
  if (failed) throw failed;
  return result;
}
