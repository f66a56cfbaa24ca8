/** The library API of `sentiment`: everything the CLI does, importable by tests and other programs. */
export {
  InputError,
  SettingError,
  ResumeMismatchError,
  EngineUnavailableError,
  NotTrainedError,
  DivergedError,
  type Where,
  type SettingMismatch,
} from './errors.ts';
export {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  settingsToJson,
  settingsFromJson,
  type RunSettings,
  type RunSettingsJson,
  type SettingKey,
  type BatchingMode,
  type RecurrentActivation,
} from './settings.ts';
export { cleanText, collapseWhitespace, CLEANING_VERSION, REPLACEMENTS } from './data/clean.ts';
export {
  LABEL_NAMES,
  NUM_CLASSES,
  KAGGLE_CLASSES,
  labelCounts,
  classesOf,
  indexLabels,
  type Classes,
} from './data/labels.ts';
export { Tokenizer, SEED_FILTERS, type KerasTokenizerJson, type TokenizerOptions } from './data/tokenizer.ts';
export {
  padSequence,
  padSequences,
  truncatePre,
  maxPhraseLength,
  phraseLength,
  type PadOptions,
} from './data/padding.ts';
export {
  readTable,
  formatOf,
  type TextTable,
  type TableRow,
  type ReadTableOptions,
  type ColumnNames,
} from './data/table.ts';
export { cleanTexts, toSequences, type EncodedTexts } from './data/encode.ts';
export { prepareTrainingData, MAX_LEN_CAP, type PreparedData } from './data/prepare.ts';
export { makeBatches, encodeBatch, oneHotBatch, groupLength, type Batch } from './data/batches.ts';
export { splitRows, validationSplitIndex, heldOutRows, foldSplit, type RowSplit, type HoldOut } from './data/split.ts';
export { makeRng, shuffleInPlace, withSeededMathRandom } from './data/random.ts';
export { buildModel, compileModel, kerasAdam, type RecipeSettings, type RecipeShape } from './model/recipe.ts';
export { RecurrentMember, predictRows, type SequenceInput } from './model/recurrent-member.ts';
export { MEMBER_KINDS, type Member, type MemberKind, type MemberEntry, type MemberOutput } from './model/member.ts';
export { saveTokenizer, loadTokenizer, MODEL_FILES } from './model/files.ts';
export { saveLayersModel, loadLayersModel } from './model/layers-files.ts';
export {
  loadModelDirectory,
  openModelDirectory,
  saveModelDirectory,
  type LoadedModel,
  type ModelDirectory,
  type ModelHeader,
} from './model/directory.ts';
export { META_FORMAT_VERSION, makeMeta, metaFromJson, type ModelMeta } from './model/meta.ts';
export { bestEpoch, type EpochLog, type HistoryFile } from './model/history.ts';
export { argmax, clippedCrossEntropy, scoreProbabilities, type Scores } from './model/scores.ts';
export { FusedLSTM } from './model/lstm/layer.ts';
export { lstmSequence, type LstmSequenceInputs } from './model/lstm/sequence-op.ts';
export { trainModel, type TrainOptions, type TrainCallbacks, type BatchLog } from './train/loop.ts';
export { runTraining, type TrainResult } from './train/train-model.ts';
export { crossValidate, type CrossValidation, type FoldResult } from './train/cross-validate.ts';
export type { TrainRunOptions, TrainReporter, DataSummary } from './train/start-run.ts';
export { saveCheckpoint, loadCheckpoint, type CheckpointState } from './train/checkpoint.ts';
export {
  initEngine,
  planEngine,
  describeEngine,
  ENGINE_CHOICES,
  type EngineInfo,
  type EngineName,
  type EngineRequest,
  type EnginePlan,
  type EngineOptions,
  type EngineWork,
} from './engine/engine.ts';
export { Predictor, PREDICT_BATCH_SIZE, type Prediction } from './predict/predictor.ts';
export { predictFromMemory, type MemoryAnswer } from './predict/from-memory.ts';
export {
  openPredictor,
  predictTexts,
  predictLines,
  predictFile,
  writeSubmission,
  type TextPrediction,
  type SubmissionResult,
} from './predict/predict-inputs.ts';
export { readTextLines, type TextLine } from './predict/lines.ts';
export { evaluateFile, type Evaluation, type EvaluateOptions } from './evaluate/evaluate-file.ts';
export {
  classificationReport,
  confusionMatrix,
  type ClassificationReport,
  type ClassScores,
} from './evaluate/metrics.ts';
export { plotHistory, plotTitle, type PlotOptions, type PlotResult } from './plot/plot-history.ts';
export { curvesFromHistory, type Curves } from './plot/curves.ts';
export { terminalChart } from './plot/terminal.ts';
export { replaceDirectory, recoverDirectory } from './fs/atomic-dir.ts';
