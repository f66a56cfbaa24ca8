/** `sentiment predict`: a model directory and texts in, predictions (or a Kaggle submission) out. */
import { performance } from 'node:perf_hooks';
import { labelCounts } from '../data/labels.ts';
import { readPhraseTsv } from '../data/tsv.ts';
import { initEngine, type EngineInfo, type EngineRequest } from '../engine/engine.ts';
import { checkOutputFile, writeFileAtomic } from '../fs/atomic-file.ts';
import { loadModelDirectory } from '../model/directory.ts';
import { readTextLines } from './lines.ts';
import { checkText, PREDICT_BATCH_SIZE, Predictor, type Prediction, type PredictorOptions } from './predictor.ts';
import { submissionCsv } from './submission.ts';

export interface OpenOptions extends PredictorOptions {
  modelDir: string;
  backend: EngineRequest;
}

/** Starts the engine and loads the model. */
export async function openPredictor(opts: OpenOptions): Promise<{ predictor: Predictor; engine: EngineInfo }> {
  const engine = await initEngine(opts.backend);
  const loaded = await loadModelDirectory(opts.modelDir);
  return { predictor: new Predictor(loaded, opts), engine };
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
}

export function predictTexts(predictor: Predictor, texts: ReadonlyArray<string>): TextResults {
  texts.forEach((t) => checkText(t));
  const { predictions, truncated, fromMemory } = predictor.predict(texts);
  return { results: predictions.map((p, i) => ({ ...p, text: texts[i] })), truncated, fromMemory };
}

/** Predictions for each line of a file ('-': stdin), a chunk at a time, in input order. */
export async function* predictLines(predictor: Predictor, path: string, chunkSize = 4 * PREDICT_BATCH_SIZE): AsyncGenerator<TextResults> {
  const file = path === '-' ? 'stdin' : path;
  for await (const chunk of readTextLines(path, chunkSize)) {
    chunk.forEach((l) => checkText(l.text, { file, line: l.line }));
    const { predictions, truncated, fromMemory } = predictor.predict(chunk.map((l) => l.text));
    yield { results: predictions.map((p, i) => ({ ...p, text: chunk[i].text, line: chunk[i].line })), truncated, fromMemory };
  }
}

/** Every row of a phrase TSV, labelled or not, with its PhraseId. */
export async function predictTsv(predictor: Predictor, input: string): Promise<TextResults<TextPrediction & { phraseId: number | null }>> {
  const table = await readPhraseTsv(input, { labelled: false });
  const { predictions, truncated, fromMemory } = predictor.predict(table.rows.map((r) => r.phrase));
  return { results: predictions.map((p, i) => ({ ...p, text: table.rows[i].phrase, line: table.rows[i].line, phraseId: table.rows[i].phraseId })), truncated, fromMemory };
}

export interface SubmissionOptions {
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

/** Scores every row of a Kaggle-style TSV and writes `PhraseId,Sentiment` in input order. */
export async function writeSubmission(predictor: Predictor, opts: SubmissionOptions): Promise<SubmissionResult> {
  await checkOutputFile(opts.submission, 'submission');
  const table = await readPhraseTsv(opts.input, { labelled: false, ids: true });
  const started = performance.now();
  opts.onStart?.(table.rows.length);
  const { predictions, truncated, fromMemory } = predictor.predict(table.rows.map((r) => r.phrase), opts.onProgress);
  const labels = Int32Array.from(predictions, (p) => p.label);
  await writeFileAtomic(opts.submission, submissionCsv(table.rows, labels));
  return { rows: table.rows.length, truncated, fromMemory, seconds: (performance.now() - started) / 1000, labelCounts: labelCounts(labels, predictor.labelNames.length) };
}
