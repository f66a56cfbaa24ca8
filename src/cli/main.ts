/** Entry point of the `sentiment` command. */
import chalk from 'chalk';
import { Command, CommanderError } from 'commander';
import { InputError } from '../data/errors.ts';
import { EngineUnavailableError } from '../engine/engine.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { registerEvaluate } from './evaluate.ts';
import { registerPlotHistory } from './plot-history.ts';
import { registerPredict } from './predict.ts';
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
  try {
    await makeProgram().parseAsync(argv);
    // A command that ends early on purpose (an interrupted training) sets its own code.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof InputError || err instanceof EngineUnavailableError) {
      process.stderr.write(`${chalk.red('error:')} ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`${chalk.red('error:')} ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
