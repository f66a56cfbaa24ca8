/** `sentiment predict`: a model directory and texts in, predictions (or a Kaggle submission) out. */
import { performance } from 'node:perf_hooks';
import { labelCounts } from '../data/labels.ts';
import { readTable, type ColumnNames, type TableFormat } from '../data/table.ts';
import { startEngine, type EngineInfo, type EngineRequest, type EngineWork } from '../engine/engine.ts';
import { checkOutputs } from '../fs/output-gate.ts';
import { writeOutputFile } from '../fs/output-file.ts';
import { loadModelDirectory, type ModelHeader } from '../model/directory.ts';
import { readTextLines } from './lines.ts';
import { checkText, PREDICT_BATCH_SIZE, Predictor, type Prediction, type PredictorOptions } from './predictor.ts';
import { checkIds, isKaggleInput, KAGGLE_SUBMISSION_HEADER, submissionCsv } from './submission.ts';

export interface OpenOptions extends PredictorOptions {
  modelDir: string;
  backend: EngineRequest;
  /** The directory's header, when already read (predictFromMemory hands it back). */
  header?: ModelHeader;
  /** A file of rows (`score`) or a few texts (`answer`, the default): the engine's threads follow. */
  work?: EngineWork;
  /** Let TensorFlow's C++ log lines through (the tensorflow engine; off by default). */
  nativeLogs?: boolean;
}

/** Starts the engine and loads the model. */
export async function openPredictor(opts: OpenOptions): Promise<{ predictor: Predictor; engine: EngineInfo }> {
  const engine = await startEngine(opts.backend, { work: opts.work ?? 'answer', nativeLogs: opts.nativeLogs });
  const loaded = await loadModelDirectory(opts.modelDir, opts.header, engine.speed);
  return { predictor: new Predictor(loaded, opts), engine: engine.info };
}

export interface TextPrediction extends Prediction {
  text: string;
  /** Line in the input file, when the text came from one. */
  line?: number;
}

export interface TextResults<T extends TextPrediction = TextPrediction> {
  results: T[];
  truncated: number;
  fromMemory: number;
  /** Blank lines skipped (a file of texts). */
  blank?: number;
}

export function predictTexts(predictor: Predictor, texts: ReadonlyArray<string>): TextResults {
  texts.forEach((t) => checkText(t));
  const { predictions, truncated, fromMemory } = predictor.predict(texts);
  return { results: predictions.map((p, i) => ({ ...p, text: texts[i] })), truncated, fromMemory };
}

/** Predictions for each line of a file ('-': stdin), a chunk at a time, in input order. */
export async function* predictLines(
  predictor: Predictor,
  path: string,
  chunkSize = 4 * PREDICT_BATCH_SIZE,
): AsyncGenerator<TextResults> {
  const file = path === '-' ? 'stdin' : path;
  for await (const { lines, blank } of readTextLines(path, chunkSize)) {
    lines.forEach((l) => checkText(l.text, { file, line: l.line }));
    const { predictions, truncated, fromMemory } = predictor.predict(lines.map((l) => l.text));
    yield {
      results: predictions.map((p, i) => ({ ...p, text: lines[i].text, line: lines[i].line })),
      truncated,
      fromMemory,
      blank,
    };
  }
}

/** How an input data file is read: its format and the columns of its texts and ids. */
export interface InputFileOptions {
  format?: TableFormat;
  columns?: ColumnNames;
}

/** Every row of a data file (TSV, CSV, JSON Lines), labelled or not, with its id where it has one. */
export async function predictFile(
  predictor: Predictor,
  input: string,
  opts: InputFileOptions = {},
): Promise<TextResults<TextPrediction & { id: string | null }>> {
  const table = await readTable(input, { labelled: false, format: opts.format, columns: opts.columns });
  const { predictions, truncated, fromMemory } = predictor.predict(table.rows.map((r) => r.text));
  return {
    results: predictions.map((p, i) => ({
      ...p,
      text: table.rows[i].text,
      line: table.rows[i].line,
      id: table.rows[i].id,
    })),
    truncated,
    fromMemory,
  };
}

export interface SubmissionOptions extends InputFileOptions {
  input: string;
  submission: string;
  onStart?(rows: number): void;
  onProgress?(done: number, total: number): void;
}

export interface SubmissionResult {
  rows: number;
  truncated: number;
  /** Rows answered from the phrase memory. */
  fromMemory: number;
  seconds: number;
  labelCounts: number[];
}

/** Scores every row of a data file and writes each id with its predicted label, in input order. */
export async function writeSubmission(predictor: Predictor, opts: SubmissionOptions): Promise<SubmissionResult> {
  await checkOutputs([{ path: opts.submission, setting: 'submission' }], [opts.input, predictor.loaded.dir]);
  const table = await readTable(opts.input, { labelled: false, ids: true, format: opts.format, columns: opts.columns });
  checkIds(table.rows, table.path);
  const started = performance.now();
  opts.onStart?.(table.rows.length);
  const { predictions, truncated, fromMemory } = predictor.predict(
    table.rows.map((r) => r.text),
    opts.onProgress,
  );
  const labels = Int32Array.from(predictions, (p) => p.index);
  const header = isKaggleInput(table) ? KAGGLE_SUBMISSION_HEADER : (['id', 'label'] as const);
  await writeOutputFile(
    opts.submission,
    submissionCsv(
      header,
      table.rows.map((r) => r.id as string),
      predictions.map((p) => p.label),
    ),
    'submission',
  );
  return {
    rows: table.rows.length,
    truncated,
    fromMemory,
    seconds: (performance.now() - started) / 1000,
    labelCounts: labelCounts(labels, predictor.labelNames.length),
  };
}
