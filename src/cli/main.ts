/** Entry point of the `sentiment` command: runs it, and turns the library's typed errors into words and exit codes. */
import chalk from 'chalk';
import { Command, CommanderError } from 'commander';
import { EngineUnavailableError, InputError, NotTrainedError, ResumeMismatchError, SettingError } from '../errors.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { registerEvaluate } from './evaluate.ts';
import { flagFor } from './options.ts';
import { registerPlotHistory } from './plot-history.ts';
import { registerPredict } from './predict.ts';
import { applyColourPreference } from './terminal.ts';
import { registerTrain } from './train.ts';

export function makeProgram(): Command {
  const program = new Command('sentiment')
    .description('Train, check and use a Keras-style LSTM sentiment classifier (Kaggle movie reviews) with TensorFlow.js')
    .version(PACKAGE_VERSION)
    .showHelpAfterError('(add --help for usage)');
  registerTrain(program);
  registerPredict(program);
  registerEvaluate(program);
  registerPlotHistory(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  applyColourPreference();
  try {
    await makeProgram().parseAsync(argv);
    // A command that ends early on purpose (an interrupted training) sets its own code.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const words = userMessage(err);
    process.stderr.write(`${chalk.red('error:')} ${words ?? (err as Error).stack ?? String(err)}\n`);
    return words === null ? 1 : 2;
  }
}

/** One line for a problem the user can fix, in the CLI's terms; null for a bug. */
export function userMessage(err: unknown): string | null {
  if (err instanceof SettingError) return err.render(flagFor(err.setting));
  if (err instanceof ResumeMismatchError) return ResumeMismatchError.describe(err.mismatches, flagFor, err.checkpoint);
  if (err instanceof EngineUnavailableError) return `--backend ${err.engine}: ${err.detail}`;
  if (err instanceof NotTrainedError) {
    const train = `\`sentiment train data/train.tsv --out ${err.dir}\``;
    return err.what === 'model'
      ? `no model in ${err.dir}/; train one with ${train} (or pass --model DIR)`
      : `${err.file}: no history here; train a model first (${train} writes it) or pass --history FILE`;
  }
  if (err instanceof InputError) return err.message;
  return null;
}
