/** `sentiment predict`: texts, a file of lines, stdin, or a Kaggle TSV in; predictions or a submission out. */
import chalk from 'chalk';
import type { Command } from 'commander';
import type { ModelHeader } from '../model/directory.ts';
import type { WordContribution } from '../predict/explain.ts';
import type { Predictor } from '../predict/predictor.ts';
import type { InputFileOptions, TextPrediction } from '../predict/predict-inputs.ts';
import { formatCount } from './format.ts';
import { stdoutClosed, watchStdout, writeOut } from './output.ts';
import { PREDICT_FLAGS, type FlagValues } from './options.ts';
import { formatExplanation, formatPrediction, predictionJson } from './predict-view.ts';
import { addOptions, backendFromEnv, reportEngine, reportLstmPasses, UsageError } from './program.ts';
import type { Progress } from './progress.ts';

type PredictFlags = FlagValues<typeof PREDICT_FLAGS>;

/** Where the texts come from, once the flags are checked: exactly one source. No side effects. */
export function predictRequest(texts: readonly string[], flags: PredictFlags): { file: string | undefined } {
  // Exactly one source, however it is spelt: texts, '-' (stdin) alone, --file, or --input.
  const stdin = texts.length === 1 && texts[0] === '-';
  if (texts.includes('-') && !stdin)
    throw new UsageError("'-' reads the texts from standard input: give it alone, not beside other texts");
  const sources = [texts.length > 0, flags.file !== undefined, flags.input !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('give texts, --file FILE (or -), or --input FILE: exactly one of them');
  if (flags.submission && !flags.input) throw new UsageError('--submission needs --input FILE (the rows it scores)');
  if (flags.explain && flags.submission)
    throw new UsageError('--explain shows why each text got its label; a submission has no room for it');
  return { file: stdin ? '-' : flags.file };
}

/**
 * Prints predictions as the flags say: bars or JSON lines, with each word's push under --explain (null,
 * "answered from memory", until a model is loaded) and a note on texts the model reads none of.
 */
class PredictionPrinter {
  explain: ((rs: TextPrediction[]) => (WordContribution[] | null)[]) | null;
  unread: ((r: TextPrediction) => boolean) | null = null;

  constructor(
    private readonly json: boolean,
    explain: boolean,
  ) {
    this.explain = explain ? (rs) => rs.map(() => null) : null;
  }

  /** From here on, with the model: each word's push (under --explain) and the note on unread texts. */
  async attach(predictor: Predictor): Promise<void> {
    this.unread = (r) => r.source === 'model' && predictor.knownWords(r.text) === 0;
    if (this.explain) {
      const { explainPredictions } = await import('../predict/explain.ts');
      this.explain = (rs) =>
        explainPredictions(
          predictor,
          rs.map((r) => r.text),
          rs,
        );
    }
  }

  async printAll<R extends TextPrediction>(
    rs: R[],
    labelNames: readonly string[],
    extra: (r: R) => Record<string, unknown> = () => ({}),
  ): Promise<void> {
    const why = this.explain?.(rs);
    for (const [i, r] of rs.entries()) {
      const words = why?.[i];
      await writeOut(
        this.json
          ? `${predictionJson(r, words === undefined ? extra(r) : { ...extra(r), explanation: words })}\n`
          : `${formatPrediction(r, labelNames)}\n${words === undefined ? '' : `${formatExplanation(words)}\n`}`,
      );
      if (!this.json && this.unread?.(r))
        await writeOut(
          `  ${chalk.yellow('note: the model knows none of its words: this is its answer for an empty text, not a reading')}\n`,
        );
    }
  }
}

export function registerPredict(program: Command): void {
  const cmd = program
    .command('predict')
    .description(
      "classify texts with a trained model: prints the label and the five class probabilities ('-' reads stdin)",
    )
    .argument('[texts...]', 'texts to classify; quote each one');
  addOptions(cmd, PREDICT_FLAGS);
  cmd.addHelpText(
    'after',
    `
Examples:
  sentiment predict "not good" "a masterpiece"
  sentiment predict --file reviews.txt --json > predictions.jsonl
  cat reviews.txt | sentiment predict -
  sentiment predict --input data/test.tsv --submission submission.csv`,
  );
  cmd.action(async (texts: string[], flags: PredictFlags) => {
    const { file } = predictRequest(texts, flags);
    const printer = new PredictionPrinter(flags.json === true, flags.explain === true);
    // Texts typed on the command line: a few, answered from memory when it can, else on one thread.
    const typed = texts.length > 0 && file === undefined;
    let header: ModelHeader | undefined;
    if (typed && flags.memory) {
      header = await answerFromMemory(texts, flags, printer);
      if (header === undefined) return;
    }
    // Loaded here, not at the top: `--help`, flag errors and memory answers go without TensorFlow.js.
    const { openPredictor } = await import('../predict/predict-inputs.ts');
    const { describeEngine } = await import('../engine/engine.ts');
    const { predictor, engine } = await openPredictor({
      modelDir: flags.model,
      backend: backendFromEnv(cmd, flags.backend),
      batchSize: flags.batchSize,
      memory: flags.memory,
      header,
      work: typed ? 'answer' : 'score',
      nativeLogs: flags.verbose === true,
    });
    reportEngine(engine, describeEngine(engine), flags.verbose === true);
    watchStdout();
    await printer.attach(predictor);
    const input: InputFileOptions = { format: flags.format, columns: { text: flags.textColumn, id: flags.idColumn } };
    if (flags.input && flags.submission) await submit(predictor, flags.input, flags.submission, input);
    else {
      const printed = await printPredictions(predictor, { texts, file, input, flags }, printer);
      // A reader that went away (`| head`): nothing more to say.
      if (printed === null) return;
      const { truncated, blank } = printed;
      warnTruncated(truncated, predictor.maxLen);
      if (blank > 0)
        process.stderr.write(chalk.dim(`skipped ${formatCount(blank)} blank line${blank === 1 ? '' : 's'}\n`));
    }
    await reportLstmPasses(engine, flags.verbose === true);
  });
}

/**
 * Prints the answers when the phrase memory holds every text (undefined: done, no engine started);
 * else the model's header read on the way, for the predictor to reuse.
 */
async function answerFromMemory(
  texts: string[],
  flags: PredictFlags,
  printer: PredictionPrinter,
): Promise<ModelHeader | undefined> {
  const { predictFromMemory } = await import('../predict/from-memory.ts');
  const known = await predictFromMemory(flags.model, texts);
  if (!known.answer) return known.header;
  if (flags.verbose) process.stderr.write(chalk.dim('engine  none started: the phrase memory holds every text\n'));
  watchStdout();
  await printer.printAll(known.answer.results, known.header.labelNames);
  return undefined;
}

/**
 * Every text of the one source scored and printed; how many were cut to fit and how many lines were
 * blank, or null when stdout closed on the way.
 */
async function printPredictions(
  predictor: Predictor,
  source: { texts: string[]; file: string | undefined; input: InputFileOptions; flags: PredictFlags },
  printer: PredictionPrinter,
): Promise<{ truncated: number; blank: number } | null> {
  const { predictFile, predictLines, predictTexts } = await import('../predict/predict-inputs.ts');
  const { texts, file, input, flags } = source;
  const names = predictor.labelNames;
  if (flags.input) {
    const { results, truncated } = await predictFile(predictor, flags.input, input);
    await printer.printAll(results, names, (r) => ({ id: r.id, line: r.line }));
    return { truncated, blank: 0 };
  }
  if (file === undefined) {
    const { results, truncated } = predictTexts(predictor, texts);
    await printer.printAll(results, names);
    return { truncated, blank: 0 };
  }
  let truncated = 0;
  let blank = 0;
  for await (const chunk of predictLines(predictor, file, 4 * flags.batchSize)) {
    await printer.printAll(chunk.results, names, (r) => ({ line: r.line }));
    truncated += chunk.truncated;
    blank += chunk.blank ?? 0;
    if (stdoutClosed()) return null;
  }
  return { truncated, blank };
}

async function submit(predictor: Predictor, input: string, submission: string, read: InputFileOptions): Promise<void> {
  const bar: { progress?: Progress; rows: number } = { rows: 0 };
  const { writeSubmission } = await import('../predict/predict-inputs.ts');
  const { startProgress } = await import('./progress.ts');
  const result = await writeSubmission(predictor, {
    ...read,
    input,
    submission,
    onStart: (rows) => {
      bar.rows = rows;
      bar.progress = startProgress('scoring', rows);
    },
    // Progress comes once per member (an ensemble scores each row several times): shown in rows.
    onProgress: (done, total) => bar.progress?.update(Math.round((done * bar.rows) / Math.max(1, total))),
  });
  bar.progress?.stop();
  warnTruncated(result.truncated, predictor.maxLen);
  const share = result.labelCounts
    .map((c, i) => `${predictor.labelNames[i]} ${((100 * c) / result.rows).toFixed(1)}%`)
    .join(', ');
  const memory =
    predictor.loaded.memory && predictor.useMemory ? `; ${formatCount(result.fromMemory)} from the phrase memory` : '';
  process.stdout.write(
    `wrote ${submission}: ${formatCount(result.rows)} rows in ${result.seconds.toFixed(1)} s (${formatCount(Math.round(result.rows / result.seconds))} phrases/s); ${share}${memory}\n`,
  );
}

function warnTruncated(n: number, maxLen: number | null): void {
  if (n > 0)
    process.stderr.write(
      chalk.yellow(
        `warning: ${formatCount(n)} text${n > 1 ? 's' : ''} longer than ${maxLen} tokens ${n > 1 ? 'were' : 'was'} cut to the last ${maxLen}, as the model was trained\n`,
      ),
    );
}
