/** `sentiment train FILE`: flags in, progress out, work done by runTraining; Ctrl-C stops cleanly. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { plotHistory } from '../plot/run.ts';
import { DEFAULT_SETTINGS, SETTING_KEYS } from '../settings.ts';
import { runTraining, type TrainResult } from '../train/run.ts';
import { fmt4, formatDuration } from './format.ts';
import { TRAIN_FLAGS, type FlagValues } from './options.ts';
import { addOptions, backendFromEnv } from './program.ts';
import { makeTrainReporter } from './train-reporter.ts';

const EXIT_CODE: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train the LSTM sentiment classifier on a Kaggle-style TSV (PhraseId, SentenceId, Phrase, Sentiment)')
    .argument('<file>', 'labelled TSV, e.g. data/train.tsv');
  addOptions(cmd, TRAIN_FLAGS);
  cmd.action(async (file: string, flags: FlagValues<typeof TRAIN_FLAGS>) => {
    const started = performance.now();
    const write = (line: string) => process.stdout.write(`${line}\n`);
    const { plot, maxLen, resume, ...settings } = flags;
    const stop = interruptOnSignals();
    let result: TrainResult;
    try {
      result = await runTraining(
        {
          ...settings,
          maxLen: maxLen ?? null,
          resume: resume === true,
          backend: backendFromEnv(cmd, flags.backend),
          dataFile: file,
          explicit: new Set(SETTING_KEYS.filter((k) => cmd.getOptionValueSource(k) === 'cli')),
          signal: stop.signal,
        },
        makeTrainReporter({ epochs: flags.epochs, tty: Boolean(process.stdout.isTTY), write }),
      );
    } finally {
      stop.dispose();
    }
    if (result.interrupted !== null) {
      const again = `sentiment train ${file} --out ${result.out} --resume${flags.epochs !== DEFAULT_SETTINGS.epochs ? ` --epochs ${flags.epochs}` : ''}`;
      write(
        result.checkpoint
          ? `${chalk.yellow('stopped')} by ${result.interrupted} after epoch ${result.completedEpochs}/${flags.epochs}; checkpoint in ${result.checkpoint}/\n        resume with: ${again}`
          : `${chalk.yellow('stopped')} by ${result.interrupted} before the first epoch ended; nothing to resume`,
      );
      process.exitCode = EXIT_CODE[result.interrupted] ?? 1;
      return;
    }
    const best = result.best;
    if (best?.val_acc != null) {
      write(`${chalk.bold('best')}    epoch ${best.epoch}: val_acc ${chalk.green(fmt4(best.val_acc))}, val_loss ${fmt4(best.val_loss)}`);
    } else if (best) {
      write(`${chalk.bold('best')}    epoch ${best.epoch}: loss ${chalk.green(fmt4(best.loss))} (no validation rows)`);
    }
    if (plot) {
      const drawn = await plotHistory({ modelDir: result.out, theme: 'dark' });
      write(`${chalk.bold('plot')}    ${drawn.written.join(', ')}`);
    }
    write(`${chalk.bold('done')}    in ${formatDuration((performance.now() - started) / 1000)} on ${result.engine.name}; model in ${result.out}/`);
  });
}

/** First SIGINT/SIGTERM: stop after the current batch. Second: leave at once (every file write is atomic, so nothing is left half-written). */
function interruptOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\n${sig} again: quitting now\n`);
      process.exit(EXIT_CODE[sig] ?? 1);
    }
    process.stderr.write(`\n${sig}: stopping after this batch; the checkpoint keeps the last completed epoch (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again quits at once)\n`);
    controller.abort(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
