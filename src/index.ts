/**
 * The library API of `sentiment`: exactly what the README's Library section lists (test/index.test.ts
 * checks both ways). Everything else under src/ is internal and may change.
 */

// Reading and encoding text.
export { classesOf, type Classes } from './data/labels.ts';
export { cleanText } from './data/clean.ts';
export { cleanTexts, toSequences, type EncodedTexts } from './data/encode.ts';
export { padSequences } from './data/padding.ts';
export { foldSplit, heldOutRows, splitRows, type RowSplit } from './data/split.ts';
export { readTable, type ReadTableOptions, type TextTable } from './data/table.ts';
export { type KerasTokenizerJson, Tokenizer } from './data/tokenizer.ts';

// Settings and presets.
export {
  DEFAULT_SETTINGS,
  pickSettings,
  type Preset,
  type RunSettings,
  type SettingKey,
  settingsFromJson,
  settingsToJson,
} from './settings.ts';
export { applyPreset, PRESET_TABLE, type PresetSpec } from './presets.ts';

// Model members.
export { buildBiLstm } from './model/bilstm.ts';
export type { Member, MemberKind } from './model/member.ts';
export { buildModel } from './model/recipe.ts';
export { RecurrentMember } from './model/recurrent-member.ts';

// Training.
export { type CrossValidation, crossValidate } from './train/cross-validate.ts';
export { trainModel } from './train/loop.ts';
export type { DataSummary, TrainReporter, TrainRunOptions } from './train/start-run.ts';
export { runTraining, type TrainResult } from './train/train-model.ts';
export type { EpochLog } from './model/history.ts';

// Model directories.
export {
  type LoadedModel,
  loadModelDirectory,
  openModelDirectory,
  saveModelDirectory,
} from './model/directory.ts';
export type { ModelMeta } from './model/meta.ts';

// Using a model.
export { explainPredictions, type WordContribution } from './predict/explain.ts';
export { predictFromMemory } from './predict/from-memory.ts';
export { openPredictor, predictTexts, writeSubmission } from './predict/predict-inputs.ts';
export { type Prediction, Predictor } from './predict/predictor.ts';
export { type Evaluation, evaluateFile } from './evaluate/evaluate-file.ts';
export { classificationReport } from './evaluate/metrics.ts';
export { plotHistory } from './plot/plot-history.ts';
export { type ReportOptions, writeReport } from './report/write-report.ts';

// Serving.
export { createServer, type SentimentServer, type ServeOptions } from './serve/server.ts';

// The browser: a web page and an ES module (src/web/, bundled by export).
export {
  type ExportOptions,
  type ExportResult,
  exportWeb,
  WEB_LAYER_CLASSES,
} from './export/export-web.ts';

// Engines.
export {
  ENGINE_CHOICES,
  type Engine,
  type EngineInfo,
  type EngineOptions,
  type EngineRequest,
  initEngine,
  startEngine,
} from './engine/engine.ts';
export { CHECKED_VERSIONS, PATCHES } from './engine/patches/index.ts';
export type { SpeedLayer } from './engine/speed-layer.ts';

// Errors.
export {
  DivergedError,
  EngineUnavailableError,
  InputError,
  NotTrainedError,
  ResumeMismatchError,
  SettingError,
} from './errors.ts';
