/** What `sentiment train` shows: a bar per epoch on a TTY, plain lines otherwise, a coloured epoch summary. */
import chalk from 'chalk';
import cliProgress from 'cli-progress';
import type { EpochLog } from '../model/history.ts';
import type { BatchLog } from '../train/loop.ts';
import type { DataSummary, DataWarning, TrainReporter } from '../train/start-run.ts';
import { fmt4, formatCount, formatDuration } from './format.ts';

export interface ReporterOptions {
  epochs: number;
  /** Animate a progress bar (a TTY); otherwise print a plain line every tenth of an epoch. */
  tty: boolean;
  write: (line: string) => void;
  /** Where warnings go (default: standard error, as every command's). */
  warn?: (line: string) => void;
  /** The engine's full reason instead of its summary. */
  verbose?: boolean;
}

/**
 * The reporter `sentiment train` hands the library: each callback writes its lines. State lives in
 * two small places: the epoch's progress (EpochProgress) and how much of a vectors file was read.
 */
export function makeTrainReporter(opts: ReporterOptions): TrainReporter {
  const { write } = opts;
  const warn = opts.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress = new EpochProgress(opts.epochs, opts.tty, write);
  let vectorsQuarter = 0;
  return {
    onEngine(info, line) {
      write(`${chalk.bold('engine')}  ${opts.verbose ? line : info.summary}`);
      if (info.fasterWith) write(`${chalk.yellow('note')}    ${info.fasterWith}`);
    },
    onData(s: DataSummary) {
      for (const line of dataLines(s)) write(line);
      if (s.truncated > 0) warn(chalk.yellow(`warning: ${truncatedText(s.truncated, s.maxLen)}`));
    },
    onModel(params, layers) {
      write(`${chalk.bold('model')}   ${layers}, ${formatCount(params)} parameters`);
    },
    onEpochBegin: (epoch, total) => progress.begin(epoch, total),
    onBatchEnd: (epoch, log) => progress.batch(epoch, log),
    onValidationBegin: () => progress.stopBar(),
    onEpochEnd: (log, _history, improved) => progress.end(log, improved),
    onResume(done, total) {
      write(
        `${chalk.bold('resume')}  from the checkpoint: ${done} of ${total} epochs done${done >= total ? ' (nothing left to train; writing the model)' : ''}`,
      );
    },
    onMember(kind, memberEpochs) {
      // The member being trained sets the epochs: an ensemble's vectors member has its own.
      progress.epochs = memberEpochs;
      write(`${chalk.bold('member')}  ${kind}: ${MEMBER_WORDS[kind] ?? kind}`);
    },
    onStack({ rows, members, folds }) {
      write(
        `${chalk.bold('stack')}   choosing the blend of ${members} members on ${rows.toLocaleString('en-US')} out-of-fold rows: weights and a logistic regression, each scored on ${folds} folds`,
      );
    },
    onTransferSet({ kinds, count, seconds }) {
      if (count === null) {
        write(`${chalk.bold('transfer')} making new texts (${kinds.join(', ')}) and labelling them with the teacher…`);
        return;
      }
      const total = Object.values(count).reduce((a, b) => a + b, 0);
      write(
        `${chalk.bold('transfer')} ${total.toLocaleString('en-US')} new training texts (${kinds.map((k) => `${k} ${(count[k] ?? 0).toLocaleString('en-US')}`).join(', ')}), labelled in ${(seconds ?? 0).toFixed(0)} s`,
      );
    },
    onVectors(p) {
      const quarter = Math.floor((4 * p.bytesRead) / Math.max(1, p.totalBytes));
      if (quarter <= vectorsQuarter) return;
      vectorsQuarter = quarter;
      write(
        `${chalk.bold('vectors')} read ${Math.round((100 * p.bytesRead) / Math.max(1, p.totalBytes))}% of ${(p.totalBytes / 1e6).toFixed(p.totalBytes < 1e7 ? 1 : 0)} MB`,
      );
    },
    onVocabulary(v) {
      write(
        `${chalk.bold('vocab')}   ${formatCount(v.words)} words: ${formatCount(v.words - v.added - 1)} from training (${formatCount(v.covered)} with a vector), ` +
          `${formatCount(v.added)} more of the ${formatCount(v.fileWords)} in ${v.source}; ${v.dims} dimensions`,
      );
    },
    onNgram(p) {
      if (p.phase === 'features')
        write(
          `${chalk.bold('n-grams')} tf-idf of word 1–3-grams and character 2–5-grams of ${formatCount(p.total)} training phrases`,
        );
      else if (p.done === p.total) write(`${chalk.bold('n-grams')} epoch ${p.epoch} done`);
    },
    onWarning(w) {
      warn(chalk.yellow(`warning: ${warningText(w)}`));
    },
    onSaved(dir, files) {
      write(`${chalk.bold('saved')}   ${dir}/ (${files.join(', ')})`);
    },
  };
}

const MEMBER_WORDS: Record<string, string> = {
  lstm: "the recipe's LSTM",
  ngram: 'the n-gram model',
  bilstm: 'the bidirectional LSTM on pretrained vectors',
};

/** The data, the vocabulary and the labels a run reads, as lines. */
export function dataLines(s: DataSummary): string[] {
  const sizes = s.foldRows ?? [];
  const each =
    sizes.length && Math.min(...sizes) === Math.max(...sizes)
      ? `${formatCount(sizes[0])} validation rows each`
      : `validation rows ${sizes.map(formatCount).join('/')}`;
  const parts = s.folds
    ? `${s.folds} folds by ${s.groupColumn ?? 'row'}, ${each}`
    : `${formatCount(s.trainRows)} train, ${formatCount(s.valRows)} validation`;
  const lines = s.validationFile
    ? [
        `${chalk.bold('data')}    ${s.file}: ${formatCount(s.rows - s.validationFile.rows)} phrases (${formatCount(s.trainRows)} train)`,
        `${chalk.bold('data')}    ${s.validationFile.path}: ${formatCount(s.validationFile.rows)} phrases (validation)`,
      ]
    : [`${chalk.bold('data')}    ${s.file}: ${formatCount(s.rows)} phrases (${parts})`];
  lines.push(
    `${chalk.bold('vocab')}   ${formatCount(s.vocabulary)} distinct words, longest phrase ${formatCount(s.longestPhrase)} words, inputs up to ${s.maxLen} tokens`,
  );
  const name = (i: number) => (s.labels[i] === s.labelNames[i] ? s.labelNames[i] : `${s.labels[i]} ${s.labelNames[i]}`);
  lines.push(`${chalk.bold('labels')}  ${s.labelCounts.map((c, i) => `${name(i)}: ${formatCount(c)}`).join(', ')}`);
  if (s.teacher)
    lines.push(
      `${chalk.bold('teacher')} ${s.teacher.dir}: its ${s.teacher.targets === 'model' ? 'own answers (as predict gives them)' : 'out-of-fold answers'}, ${s.teacher.weight} of each target (temperature ${s.teacher.temperature}), the labels the rest`,
    );
  return lines;
}

function truncatedText(n: number, maxLen: number): string {
  const one = n === 1;
  return `${formatCount(n)} phrase${one ? '' : 's'} longer than ${maxLen} tokens ${one ? 'was' : 'were'} cut to the last ${maxLen}, as pad_sequences cuts ('pre'); --max-len sets the length`;
}

/** An epoch's progress: a bar on a TTY, else a plain line every tenth of the epoch; then its summary. */
class EpochProgress {
  private bar: cliProgress.SingleBar | null = null;
  private started = 0;
  private nextPlain = 0;

  constructor(
    public epochs: number,
    private readonly tty: boolean,
    private readonly write: (line: string) => void,
  ) {}

  begin(epoch: number, total: number): void {
    this.started = performance.now();
    this.nextPlain = Math.ceil(total / 10);
    if (!this.tty) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch}/${this.epochs} {bar} {value}/{total} batches | {rate} phrases/s | ETA {remaining} | loss {loss} acc {acc}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        stopOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { rate: '-', remaining: '-', loss: '-', acc: '-' });
  }

  batch(epoch: number, log: BatchLog): void {
    if (this.bar) {
      this.bar.update(log.done, this.status(log));
    } else if (log.done >= this.nextPlain || log.done === log.total) {
      const s = this.status(log);
      this.write(
        `epoch ${epoch}/${this.epochs}  ${log.done}/${log.total} batches  ${s.rate} phrases/s  ETA ${s.remaining}  loss ${s.loss} acc ${s.acc}`,
      );
      this.nextPlain += Math.ceil(log.total / 10);
    }
  }

  stopBar(): void {
    this.bar?.stop();
    this.bar = null;
  }

  end(log: EpochLog, improved: boolean): void {
    this.stopBar();
    this.write(
      `${chalk.bold(`epoch ${log.epoch}/${this.epochs}`)}  loss ${chalk.cyan(fmt4(log.loss))}  acc ${chalk.cyan(fmt4(log.acc))}  ` +
        `val_loss ${chalk.magenta(fmt4(log.val_loss))}  val_acc ${chalk.magenta(fmt4(log.val_acc))}  ${chalk.dim(`${log.seconds.toFixed(1)}s`)}${improved ? chalk.green('  best so far') : ''}`,
    );
  }

  private status(log: BatchLog) {
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = log.seen / Math.max(elapsed, 1e-9);
    const eta = (elapsed / log.done) * (log.total - log.done);
    return {
      rate: formatCount(Math.round(rate)),
      remaining: formatDuration(eta),
      loss: log.loss.toFixed(4),
      acc: log.acc.toFixed(4),
    };
  }
}

/** A data warning in the CLI's words. */
export function warningText(w: DataWarning): string {
  switch (w.kind) {
    case 'sorted-by-label':
      return `every validation row (the last ${formatCount(w.rows)}) has label ${w.label}: the file looks sorted by label, so validation says nothing of the other classes; add --shuffle-split (or shuffle the file)`;
    case 'labels-differ-in-case':
      return `the labels ${w.labels.map((l) => JSON.stringify(l)).join(', ')} differ only in case or spaces and train as different classes; if they are one, fix the file (or list the classes with --labels)`;
    case 'validation-is-training':
      return `the validation file ${w.file} holds the same rows as the training file: validation scores rows the model trains on`;
    case 'class-without-training-rows':
      return `${w.labels.length === 1 ? 'class' : 'classes'} ${w.labels.map((l) => JSON.stringify(l)).join(', ')} ${w.labels.length === 1 ? 'has' : 'have'} no training row${w.fold === null ? ' once the validation rows are held out' : ` in fold ${w.fold}`}: the model cannot learn ${w.labels.length === 1 ? 'it' : 'them'} there${w.fold === null ? ' (use --shuffle-split, or give more rows of it)' : ''}`;
    case 'vectors-match-nothing':
      return `no training word has a vector in ${w.source} (${formatCount(w.words)} words): the member on vectors learns from random vectors; check the file is in the data's language and lower-cased`;
  }
}
