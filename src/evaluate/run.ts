/** `sentiment evaluate`: a labelled TSV (or the validation part of the training file) scored by a model. */
import { InputError } from '../data/errors.ts';
import { NUM_CLASSES } from '../data/labels.ts';
import { readPhraseTsv } from '../data/tsv.ts';
import type { EngineInfo, EngineRequest } from '../engine/engine.ts';
import { MODEL_FILES } from '../model/files.ts';
import type { Predictor } from '../predict/predictor.ts';
import { openPredictor } from '../predict/run.ts';
import { clippedCrossEntropy } from '../train/evaluate.ts';
import { splitRows } from '../train/loop.ts';
import { classificationReport, type ClassificationReport } from './metrics.ts';

export interface EvaluateOptions {
  file: string;
  modelDir: string;
  backend: EngineRequest;
  /** Only the rows training held out for validation (the file must be the training file). */
  validation: boolean;
  batchSize?: number;
  onEngine?(engine: EngineInfo): void;
  onProgress?(done: number, total: number): void;
}

export interface Evaluation {
  file: string;
  model: string;
  part: 'all' | 'validation';
  /** 1-based line of the first evaluated row (validation starts mid-file). */
  firstLine: number;
  /** Clipped categorical cross-entropy, as Keras' val_loss. */
  loss: number;
  report: ClassificationReport;
  /** The file is the one the model was trained on (and --validation was not given). */
  isTrainingFile: boolean;
  engine: EngineInfo;
}

export async function evaluateFile(opts: EvaluateOptions): Promise<Evaluation> {
  const table = await readPhraseTsv(opts.file, { labelled: true });
  const { predictor, engine } = await openPredictor({ modelDir: opts.modelDir, backend: opts.backend, batchSize: opts.batchSize });
  opts.onEngine?.(engine);
  try {
    const { meta } = predictor.loaded;
    const trainedOn = meta !== null && meta.data_sha256 === table.sha256;
    const rows = opts.validation ? validationRows(predictor, table.rows.length, trainedOn, opts) : table.rows.map((_, i) => i);
    const picked = rows.map((i) => table.rows[i]);
    const truth = Int32Array.from(picked, (r) => r.sentiment ?? -1);
    const { sequences } = predictor.encode(picked.map((r) => r.phrase));
    const predictions = predictor.predictSequences(sequences, opts.onProgress);
    let lossSum = 0;
    predictions.forEach((p, i) => {
      lossSum += clippedCrossEntropy(p.probabilities[truth[i]]);
    });
    return {
      file: opts.file,
      model: opts.modelDir,
      part: opts.validation ? 'validation' : 'all',
      firstLine: picked[0]?.line ?? 0,
      loss: lossSum / Math.max(1, predictions.length),
      report: classificationReport(truth, Int32Array.from(predictions, (p) => p.label), NUM_CLASSES),
      isTrainingFile: trainedOn && !opts.validation,
      engine,
    };
  } finally {
    predictor.loaded.model.dispose();
  }
}

/** The rows `train` held out: the last validation_split of the file, as Keras splits before shuffling. */
function validationRows(predictor: Predictor, n: number, trainedOn: boolean, opts: EvaluateOptions): number[] {
  const { meta, history, dir } = predictor.loaded;
  if (!meta || !history) throw new InputError(`--validation needs ${MODEL_FILES.meta} and ${MODEL_FILES.history} from \`sentiment train\`; this model has none`, { file: dir });
  if (!trainedOn) throw new InputError(`--validation: this is not the file the model was trained on (${meta.data_file}, sha256 ${meta.data_sha256.slice(0, 12)}…)`, { file: opts.file });
  const split = history.params.validation_split;
  if (typeof split !== 'number' || split <= 0) throw new InputError('--validation: the model was trained without a validation split', { file: `${dir}/${MODEL_FILES.history}` });
  return Array.from(splitRows(n, split).valRows);
}
