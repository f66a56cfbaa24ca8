/** The library API of `sentiment`: everything the CLI does, importable by tests and other programs. */
export { cleanText, collapseWhitespace, CLEANING_VERSION, REPLACEMENTS } from './data/clean.ts';
export { InputError } from './data/errors.ts';
export { LABEL_NAMES, NUM_CLASSES, labelCounts } from './data/labels.ts';
export { Tokenizer, SEED_FILTERS, type KerasTokenizerJson, type TokenizerOptions } from './data/tokenizer.ts';
export { padSequence, padSequences, truncatePre, maxPhraseLength, phraseLength, type PadOptions } from './data/sequences.ts';
export { readPhraseTsv, type PhraseRow, type PhraseTable } from './data/tsv.ts';
export { prepareTrainingData, encodeText, MAX_LEN_CAP, type PreparedData } from './data/prepare.ts';
export { makeBatches, encodeBatch, oneHotBatch, groupLength, validationSplitIndex, type Batch, type BatchingMode } from './data/batches.ts';
export { makeRng, shuffleInPlace, withSeededMathRandom } from './data/random.ts';
export { buildModel, compileModel, kerasAdam, SEED_RECIPE, type RecipeConfig, type RecurrentActivation } from './model/recipe.ts';
export { saveLayersModel, loadLayersModel, saveTokenizer, loadTokenizer, saveMeta, saveHistory, saveModelDirectory, MODEL_FILES, type ModelDirectory } from './model/files.ts';
export { META_FORMAT_VERSION, makeMeta, type ModelMeta } from './model/meta.ts';
export { trainModel, splitRows, type TrainOptions, type TrainCallbacks, type BatchLog } from './train/loop.ts';
export { scoreBatches, predictBatch, type Scores } from './train/evaluate.ts';
export { bestEpoch, type EpochLog, type HistoryFile } from './train/history.ts';
export { runTraining, TRAIN_DEFAULTS, type TrainRunOptions, type TrainReporter, type TrainResult, type DataSummary } from './train/run.ts';
export { initEngine, describeEngine, EngineUnavailableError, ENGINE_CHOICES, type EngineInfo, type EngineName, type EngineRequest } from './engine/engine.ts';
