/** Every flag, described once: commander help and the README table come from this list. */
import { ENGINE_CHOICES } from '../engine/engine.ts';
import { THEMES } from '../plot/theme.ts';
import { PREDICT_BATCH_SIZE } from '../predict/predictor.ts';
import { TRAIN_DEFAULTS } from '../train/run.ts';
import { fraction, oneOf, positiveInt, positiveNumber } from './parse.ts';

export interface OptionSpec {
  flags: string;
  description: string;
  default?: string | number;
  parse?: (value: string) => unknown;
}

const d = TRAIN_DEFAULTS;

export const BACKEND_OPTION: OptionSpec = {
  flags: '--backend <engine>',
  description: 'compute engine: auto (tfjs-node if it loads, else blas if built, else wasm), tensorflow, blas (wasm + native fused LSTM), wasm or cpu; also SENTIMENT_BACKEND',
  default: 'auto',
  parse: oneOf(ENGINE_CHOICES),
};

export const TRAIN_OPTIONS: OptionSpec[] = [
  { flags: '-o, --out <dir>', description: 'model directory to write', default: d.out },
  { flags: '--epochs <n>', description: 'passes over the training rows', default: d.epochs, parse: positiveInt },
  { flags: '--batch-size <n>', description: 'phrases per training step', default: d.batchSize, parse: positiveInt },
  { flags: '--validation-split <f>', description: 'last fraction of rows held out for validation, as Keras takes it', default: d.validationSplit, parse: fraction },
  { flags: '--max-words <n>', description: 'tokenizer num_words: keep word indices 1..n-1', default: d.maxWords, parse: positiveInt },
  { flags: '--embedding-dim <n>', description: 'embedding vector size', default: d.embeddingDim, parse: positiveInt },
  { flags: '--units <n>', description: 'LSTM units', default: d.units, parse: positiveInt },
  { flags: '--dense-units <n>', description: 'units of the hidden Dense(relu) layer', default: d.denseUnits, parse: positiveInt },
  { flags: '--dropout <f>', description: 'rate of SpatialDropout1D, LSTM dropout and recurrent dropout, and Dropout', default: d.dropout, parse: fraction },
  { flags: '--learning-rate <f>', description: 'Adam learning rate', default: d.learningRate, parse: positiveNumber },
  { flags: '--seed <n>', description: 'seed for initial weights, dropout masks and shuffling', default: d.seed, parse: positiveIntOrZero },
  { flags: '--pad <mode>', description: "batching: 'group' (phrases of one length per batch, no padding) or 'max' (pre-pad all to the longest, as the seed)", default: d.pad, parse: oneOf(['group', 'max'] as const) },
  { flags: '--recurrent-activation <name>', description: "LSTM gate activation: 'hard_sigmoid' (Keras 2.2, the seed) or 'sigmoid' (Keras 2.3+)", default: 'hard_sigmoid', parse: oneOf(['hard_sigmoid', 'sigmoid'] as const) },
  { flags: '--max-len <n>', description: 'longest input in tokens; longer phrases are cut from the front as pad_sequences does, with a warning (default: the longest phrase, at most 256)', parse: positiveInt },
  { flags: '--resume', description: "continue from the checkpoint in --out (written after every epoch) with its settings; --epochs is the total to reach" },
  { flags: '--plot', description: 'also draw the training curves (history.png, history.svg) when training ends' },
  BACKEND_OPTION,
];

export const MODEL_OPTION: OptionSpec = { flags: '-m, --model <dir>', description: 'model directory (from `sentiment train`, or a converted Keras model with its tokenizer.json)', default: d.out };

const FORWARD_BATCH_OPTION: OptionSpec = { flags: '--batch-size <n>', description: 'phrases per forward pass (results do not depend on it)', default: PREDICT_BATCH_SIZE, parse: positiveInt };

export const PREDICT_OPTIONS: OptionSpec[] = [
  MODEL_OPTION,
  { flags: '-f, --file <file>', description: "texts to classify, one per line ('-' reads standard input); read as a stream" },
  { flags: '-i, --input <tsv>', description: 'Kaggle-style TSV to score (PhraseId, SentenceId, Phrase), e.g. data/test.tsv' },
  { flags: '-s, --submission <csv>', description: 'with --input: write PhraseId,Sentiment for every row, in input order' },
  { flags: '--json', description: 'one JSON object per text (text, label, label_name, probabilities)' },
  FORWARD_BATCH_OPTION,
  BACKEND_OPTION,
];

export const EVALUATE_OPTIONS: OptionSpec[] = [
  MODEL_OPTION,
  { flags: '--validation', description: "score only the rows training held out (the file must be the model's training file)" },
  { flags: '--json', description: 'print the numbers as one JSON object' },
  FORWARD_BATCH_OPTION,
  BACKEND_OPTION,
];

export const PLOT_OPTIONS: OptionSpec[] = [
  MODEL_OPTION,
  { flags: '--history <file>', description: "a history JSON elsewhere: ours, or Keras' history.history saved with json.dump" },
  { flags: '-o, --out <file>', description: 'write only this file; .png or .svg picks the format (default: history.png and history.svg next to the history)' },
  { flags: '--theme <name>', description: "'dark' (matplotlib's dark_background, as the seed) or 'light'", default: 'dark', parse: oneOf(THEMES) },
  { flags: '--no-terminal', description: 'do not draw the curves in the terminal' },
];

function positiveIntOrZero(value: string): number {
  return value.trim() === '0' ? 0 : positiveInt(value);
}
