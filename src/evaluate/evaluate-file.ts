/** `sentiment evaluate`: a labelled TSV (or the validation part of the training file) scored by a model. */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { heldOutRows } from '../data/split.ts';
import { indexLabels } from '../data/labels.ts';
import { readTable, type ColumnNames, type TableFormat, type TextTable } from '../data/table.ts';
import type { EngineInfo, EngineRequest } from '../engine/engine.ts';
import { SettingError } from '../errors.ts';
import type { LoadedModel } from '../model/directory.ts';
import { MODEL_FILES } from '../model/files.ts';
import { blendProbabilities, groupMeans } from '../model/blend.ts';
import { clippedCrossEntropy, scoreProbabilities } from '../model/scores.ts';
import type { Prediction, Predictor } from '../predict/predictor.ts';
import { openPredictor } from '../predict/predict-inputs.ts';
import { classificationReport, type ClassificationReport } from './metrics.ts';

export interface EvaluateOptions {
  file: string;
  /** How to read the file; default: from its extension. */
  format?: TableFormat;
  /** Its text and label columns; default: the model's training columns, else the usual names. */
  columns?: ColumnNames;
  modelDir: string;
  backend: EngineRequest;
  /** Only the rows training held out for validation (the file must be the training file). */
  validation: boolean;
  batchSize?: number;
  /** Answer training phrases from the model's phrase memory (default true). */
  memory?: boolean;
  /** Let TensorFlow's C++ log lines through (the tensorflow engine; off by default). */
  nativeLogs?: boolean;
  onEngine?(engine: EngineInfo): void;
  onProgress?(done: number, total: number): void;
}

export interface Evaluation {
  file: string;
  model: string;
  part: 'all' | 'validation';
  /** How training chose the validation rows (with `part` 'validation'): its share, shuffled or the last, by group or row. */
  heldOut: { share: number; shuffled: boolean; groupColumn: string | null } | null;
  /** 1-based line of the first evaluated row (validation starts mid-file). */
  firstLine: number;
  /** Clipped categorical cross-entropy, as Keras' val_loss. */
  loss: number;
  /** Each class's label as the training data wrote it, and its name. */
  labels: readonly string[];
  labelNames: readonly string[];
  report: ClassificationReport;
  /** Each member's own accuracy and loss on the same rows (memory aside), and the blend's with several. */
  parts: { kind: string; accuracy: number; loss: number }[];
  /** Rows answered from the phrase memory. */
  fromMemory: number;
  /** Seconds of scoring (cleaning, the members, the memory), without reading the file and the model. */
  seconds: number;
  /** The file is the one the model was trained on (and validation was not asked for). */
  isTrainingFile: boolean;
  /**
   * A student scored on its validation rows: its teacher, which trained on every row of the file, these
   * included, and whose answers the student learnt (the score flatters it); else null.
   */
  teacherSawRows: string | null;
  engine: EngineInfo;
}

/** The rows an evaluation scored, row by row, for whoever looks closer (the report). */
export interface ScoredRows {
  texts: string[];
  /** Each row's class (its position among the model's classes). */
  truth: Int32Array;
  predictions: Prediction[];
  /** With several members, each one's probabilities, row-major [rows, classes] (the memory aside); else empty. */
  memberOutputs: Float32Array[];
  /** Scoring the validation rows: the texts of the file's other rows, the ones training learnt from (made when asked); else null. */
  trainingTexts: (() => string[]) | null;
}

export async function evaluateFile(opts: EvaluateOptions): Promise<Evaluation> {
  return scoreFile(opts, (evaluation) => evaluation);
}

/**
 * Scores the file as `evaluateFile` does and hands `then` the evaluation, the rows and the predictor,
 * still open (for explanations); returns what `then` returns.
 */
export async function scoreFile<T>(
  opts: EvaluateOptions,
  then: (evaluation: Evaluation, rows: ScoredRows, predictor: Predictor) => T | Promise<T>,
): Promise<T> {
  const { predictor, engine } = await openPredictor({
    modelDir: opts.modelDir,
    backend: opts.backend,
    batchSize: opts.batchSize,
    memory: opts.memory,
    work: 'score',
    nativeLogs: opts.nativeLogs,
  });
  opts.onEngine?.(engine);
  try {
    const { meta, settings } = predictor.loaded;
    const table = await readTable(opts.file, {
      labelled: true,
      format: opts.format ?? settings?.format ?? undefined,
      columns: {
        text: opts.columns?.text ?? settings?.textColumn ?? undefined,
        label: opts.columns?.label ?? settings?.labelColumn ?? undefined,
        group: settings?.groupColumn ?? undefined,
      },
    });
    const classes = { labels: [...predictor.labels], names: [...predictor.labelNames] };
    const trainedOn = meta !== null && meta.data_sha256 === table.sha256;
    const rows = opts.validation
      ? validationRows(predictor.loaded, table, trainedOn, opts.file)
      : table.rows.map((_, i) => i);
    const picked = rows.map((i) => table.rows[i]);
    const truth = indexLabels(picked, classes, table.path);
    const started = performance.now();
    const { predictions, fromMemory, memberOutputs } = predictor.predict(
      picked.map((r) => r.text),
      opts.onProgress,
      true,
    );
    const seconds = (performance.now() - started) / 1000;
    let lossSum = 0;
    predictions.forEach((p, i) => {
      lossSum += clippedCrossEntropy(p.probabilities[truth[i]]);
    });
    const parts = memberScores(predictor, memberOutputs, truth);
    const evaluation: Evaluation = {
      file: opts.file,
      model: opts.modelDir,
      part: opts.validation ? 'validation' : 'all',
      heldOut:
        opts.validation && predictor.loaded.settings
          ? {
              share: predictor.loaded.settings.validationSplit,
              shuffled: predictor.loaded.settings.shuffleSplit,
              groupColumn: predictor.loaded.settings.groupColumn,
            }
          : null,
      firstLine: picked[0]?.line ?? 0,
      loss: lossSum / Math.max(1, predictions.length),
      labels: predictor.labels,
      labelNames: predictor.labelNames,
      report: classificationReport(
        truth,
        Int32Array.from(predictions, (p) => p.index),
        predictor.labelNames.length,
      ),
      parts,
      fromMemory,
      seconds,
      isTrainingFile: trainedOn && !opts.validation,
      teacherSawRows: opts.validation ? (settings?.teacher ?? null) : null,
      engine,
    };
    const texts = picked.map((r) => r.text);
    const trainingTexts = opts.validation
      ? () => {
          const scored = new Set(rows);
          return table.rows.filter((_, i) => !scored.has(i)).map((r) => r.text);
        }
      : null;
    return await then(evaluation, { texts, truth, predictions, memberOutputs, trainingTexts }, predictor);
  } finally {
    predictor.loaded.dispose();
  }
}

/** With several members, each one's scores and the blend's (without the memory) on the same rows. */
function memberScores(predictor: Predictor, outputs: Float32Array[], truth: Int32Array): Evaluation['parts'] {
  const { members, blend, meta } = predictor.loaded;
  if (members.length < 2 || !blend) return [];
  const k = predictor.labelNames.length;
  const score = (p: Float32Array) => scoreProbabilities(p, k, truth);
  // Fold models: each kind as the model uses it, its fold copies averaged.
  const kinds = meta?.bagging ? members.length / meta.bagging.folds : members.length;
  const groups = members.map((_, i) => i % kinds);
  const byKind =
    kinds < members.length
      ? groupMeans(
          outputs,
          members.map(() => 1),
          groups,
        )
      : outputs;
  return [
    ...byKind.map((p, i) => ({ kind: members[i].kind, ...score(p) })),
    { kind: 'blend', ...score(blendProbabilities(outputs, k, blend)) },
  ].map((s) => ({ kind: s.kind, accuracy: s.acc, loss: s.loss }));
}

/** The rows `train` held out: the last validation_split of the file, as Keras splits before shuffling. */
function validationRows(loaded: LoadedModel, table: TextTable, trainedOn: boolean, file: string): number[] {
  const { meta, settings, dir } = loaded;
  if (!meta || !settings)
    throw new SettingError(
      'validation',
      `needs ${MODEL_FILES.meta} and the training settings from \`sentiment train\`; this model has none`,
      { where: { file: dir } },
    );
  if (!trainedOn)
    throw new SettingError(
      'validation',
      `this is not the file the model was trained on (${meta.data_file}, sha256 ${meta.data_sha256.slice(0, 12)}…)`,
      { where: { file } },
    );
  if (meta.bagging)
    throw new SettingError(
      'validation',
      `the model trained on every row (its ${meta.bagging.folds} fold models are its members), so none was held out; its out-of-fold scores are in meta.json (bagging)`,
      { where: { file: join(dir, MODEL_FILES.meta) } },
    );
  if (settings.validationSplit <= 0)
    throw new SettingError('validation', 'the model was trained without a validation split', {
      where: { file: join(dir, MODEL_FILES.meta) },
    });
  if (settings.validationFile)
    throw new SettingError('validation', `the model was validated on ${settings.validationFile}: evaluate that file`, {
      where: { file },
    });
  return Array.from(
    heldOutRows(
      table.rows.map((r) => r.group ?? `line ${r.line}`),
      settings,
    ).valRows,
  );
}
