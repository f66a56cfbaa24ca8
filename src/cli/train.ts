/** `sentiment train FILE`: flags in, progress out, work done by runTraining. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { plotHistory } from '../plot/run.ts';
import { runTraining, type TrainRunOptions } from '../train/run.ts';
import type { RecurrentActivation } from '../model/recipe.ts';
import { TRAIN_OPTIONS } from './options.ts';
import { addOptions, backendFromEnv } from './program.ts';
import { makeTrainReporter } from './train-reporter.ts';
import { fmt4, formatDuration } from './format.ts';

interface TrainFlags extends Omit<TrainRunOptions, 'dataFile' | 'recurrentActivation'> {
  recurrentActivation: 'hard_sigmoid' | 'sigmoid';
  plot?: boolean;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train the LSTM sentiment classifier on a Kaggle-style TSV (PhraseId, SentenceId, Phrase, Sentiment)')
    .argument('<file>', 'labelled TSV, e.g. data/train.tsv');
  addOptions(cmd, TRAIN_OPTIONS);
  cmd.action(async (file: string, flags: TrainFlags) => {
    const started = performance.now();
    const write = (line: string) => process.stdout.write(`${line}\n`);
    const recurrentActivation: RecurrentActivation = flags.recurrentActivation === 'sigmoid' ? 'sigmoid' : 'hardSigmoid';
    const { plot, ...options } = flags;
    const result = await runTraining(
      { ...options, backend: backendFromEnv(cmd, flags.backend), recurrentActivation, dataFile: file },
      makeTrainReporter({ epochs: flags.epochs, tty: Boolean(process.stdout.isTTY), write }),
    );
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
