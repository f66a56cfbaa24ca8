/** Entry point of the `sentiment` command: runs it, and turns the library's typed errors into words and exit codes. */
import chalk from 'chalk';
import { Command, CommanderError } from 'commander';
import {
  DivergedError,
  EngineUnavailableError,
  InputError,
  NotTrainedError,
  ResumeMismatchError,
  SettingError,
} from '../errors.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { registerEvaluate } from './evaluate.ts';
import { registerExport } from './export.ts';
import { flagFor } from './options.ts';
import { STDOUT_NAME } from './output.ts';
import { registerPlotHistory } from './plot-history.ts';
import { registerPredict } from './predict.ts';
import { registerReport } from './report.ts';
import { registerServe } from './serve.ts';
import { UsageError } from './program.ts';
import { applyColourPreference } from './terminal.ts';
import { registerTrain } from './train.ts';

export function makeProgram(): Command {
  const program = new Command('sentiment')
    .description(
      'Train, check and use a Keras-style LSTM sentiment classifier (Kaggle movie reviews) with TensorFlow.js',
    )
    .version(PACKAGE_VERSION)
    .showHelpAfterError('(add --help for usage)');
  registerTrain(program);
  registerPredict(program);
  registerEvaluate(program);
  registerPlotHistory(program);
  registerReport(program);
  registerServe(program);
  registerExport(program);
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
    process.stderr.write(
      words === null
        ? `${chalk.red('internal error')} (a bug in sentiment; please report it with what follows):\n${(err as Error).stack ?? String(err)}\n`
        : `${chalk.red('error:')} ${words}\n`,
    );
    return words === null ? EXIT_INTERNAL : 2;
  }
}

/** A bug, not a refusal (sysexits' EX_SOFTWARE): apart from 1, which is commander's for a command line it cannot parse. */
export const EXIT_INTERNAL = 70;

/** One line for a problem the user can fix, in the CLI's terms; null for a bug. */
export function userMessage(err: unknown): string | null {
  if (err instanceof SettingError) return err.render(flagFor);
  if (err instanceof ResumeMismatchError) return ResumeMismatchError.describe(err.mismatches, flagFor, err.checkpoint);
  if (err instanceof EngineUnavailableError) return `--backend ${err.engine}: ${err.detail}`;
  if (err instanceof NotTrainedError) {
    const train = `\`sentiment train data/train.tsv --out ${err.dir}\``;
    return err.what === 'model'
      ? `no model in ${err.dir}/; train one with ${train} (or pass --model DIR)`
      : `${err.file}: no history here; train a model first (${train} writes it) or pass --history FILE`;
  }
  if (err instanceof DivergedError) {
    return `${err.message}: the learning rate is likely too high (try a lower --learning-rate; the recipe's is 0.001). Nothing was saved as the model${err.completedEpochs > 0 ? `; the checkpoint keeps epoch ${err.completedEpochs}` : ''}`;
  }
  if (err instanceof InputError || err instanceof UsageError) return err.message;
  const fileError = fileProblem(err);
  if (fileError) return fileError;
  if (err instanceof Error && OUT_OF_MEMORY.test(err.message))
    return `out of memory (${err.message.split('\n')[0]}): what was asked needs more memory than this process can have; choose smaller settings or a smaller input`;
  return null;
}

/** How V8, Node and the wasm engine say an allocation failed. */
const OUT_OF_MEMORY =
  /Array buffer allocation failed|Invalid typed array length|Invalid array length|Invalid string length|out of memory|\bOOM\b|Cannot allocate memory/i;

const FILE_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'is a directory',
  EIO: 'an input/output error (the disk)',
  EMFILE: 'too many open files',
};

/** A file-system error as one line naming its path (a full disk, a permission), or null. */
function fileProblem(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException;
  const words = typeof e?.code === 'string' ? FILE_PROBLEMS[e.code] : undefined;
  if (!words) return null;
  if (e.path === STDOUT_NAME) return `${STDOUT_NAME}: ${words}; the output stops short`;
  // Files are written to a temporary name and renamed: a failed write leaves the old one.
  const whole = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? '; nothing was left half-written' : '';
  return e.path ? `${e.path}: ${words}${whole}` : `${words}${whole}`;
}
