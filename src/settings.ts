/**
 * The settings of a training run, described once: their types, their defaults (the seed recipe's), and
 * the one JSON form in which meta.json, history.json and the checkpoint all record them.
 */
import { InputError, SettingError } from './errors.ts';

/**
 * `mix`: a training batch joins parts of different lengths, each unpadded, into one step; `group`: one
 * token length per batch, nothing padded; `max`: every phrase pre-padded to maxLen (the seed).
 */
export type BatchingMode = 'mix' | 'group' | 'max';
export const BATCHING_MODES: readonly BatchingMode[] = ['mix', 'group', 'max'];

/** The LSTM's gate activation, as Keras spells it: `hard_sigmoid` (Keras 2.2, the seed) or `sigmoid` (Keras 2.3+). */
export type RecurrentActivation = 'hard_sigmoid' | 'sigmoid';
export const RECURRENT_ACTIVATIONS: readonly RecurrentActivation[] = ['hard_sigmoid', 'sigmoid'];

/** Which epoch's weights the model directory keeps: the best one by `monitor`, or the last. */
export type KeepPolicy = 'best' | 'last';
export const KEEP_POLICIES: readonly KeepPolicy[] = ['best', 'last'];

/** What "best" means (Keras' `monitor`): higher val_acc, or lower val_loss. */
export type Monitor = 'val_acc' | 'val_loss';
export const MONITORS: readonly Monitor[] = ['val_acc', 'val_loss'];

/** What a run trains (presets.ts describes each). */
export type Preset = 'seed' | 'ensemble' | 'vectors' | 'best' | 'student';
export const PRESETS: readonly Preset[] = ['seed', 'ensemble', 'vectors', 'best', 'student'];

/** How the member on pretrained vectors reads its LSTM's outputs: the last one, or max and mean over time. */
export type Pooling = 'last' | 'max-mean';
export const POOLINGS: readonly Pooling[] = ['max-mean', 'last'];

/** New texts a student's transfer set adds to the training rows, for its teacher to label (train/transfer-set.ts). */
export type AugmentKind = 'spans' | 'dropout' | 'neighbours';
export const AUGMENT_KINDS: readonly AugmentKind[] = ['spans', 'dropout', 'neighbours'];

/** Which of a teacher's answers a student learns the training rows from. */
export type TeacherTargets = 'out-of-fold' | 'model';
export const TEACHER_TARGETS: readonly TeacherTargets[] = ['out-of-fold', 'model'];

/** How a data file is read: TSV (quoting off, as the Kaggle files), CSV (RFC 4180) or JSON Lines. */
export type DataFormat = 'tsv' | 'csv' | 'jsonl';
export const DATA_FORMATS: readonly DataFormat[] = ['tsv', 'csv', 'jsonl'];

/** A check of a value, and the words for what it must be (the flag parser, the library and the file readers share them). */
export interface Rule {
  valid: (v: unknown) => boolean;
  expected: string;
  /** What the library says of a value that fails, where "must be {expected}" says too little. */
  problem?: string;
}

export const WHOLE_AT_LEAST_1: Rule = {
  valid: (v) => Number.isSafeInteger(v) && (v as number) >= 1,
  expected: 'a whole number of at least 1',
};
export const WHOLE_AT_LEAST_0: Rule = {
  valid: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  expected: 'a whole number of at least 0',
};
export const WHOLE_AT_LEAST_2: Rule = {
  valid: (v) => Number.isSafeInteger(v) && (v as number) >= 2,
  expected: 'a whole number of at least 2',
};
export const FRACTION: Rule = {
  valid: (v) => typeof v === 'number' && v >= 0 && v < 1,
  expected: 'a number from 0 up to (not including) 1',
};
export const ABOVE_0: Rule = {
  valid: (v) => typeof v === 'number' && v > 0 && Number.isFinite(v),
  expected: 'a number above 0',
};
export const SHARE: Rule = {
  valid: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  expected: 'a number from 0 to 1',
};
/**
 * New texts per training row: Tang et al. made about twenty; the teacher labels each and every epoch
 * reads it (share 4 on the Kaggle file: 430,000 texts, two minutes to label, 17 to train), so the
 * most a run may ask is bounded as its file's rows are.
 */
const AUGMENT_SHARE: Rule = {
  valid: (v) => typeof v === 'number' && v > 0 && v <= 20,
  expected: 'a number above 0, at most 20',
};
/**
 * Hinton et al. distil at 1 to 20; far above, the softened probabilities are all but uniform and the
 * T² factor overflows (from about 1e19 the loss is infinite): a temperature at most 100.
 */
const TEMPERATURE: Rule = {
  valid: (v) => typeof v === 'number' && v > 0 && v <= 100,
  expected: 'a number above 0, at most 100',
};
const BOOLEAN: Rule = { valid: (v) => typeof v === 'boolean', expected: 'true or false' };
const NAME_OR_NULL: Rule = {
  valid: (v) => v === null || (typeof v === 'string' && v !== ''),
  expected: 'a name (not empty), or null',
};
const oneOf = (choices: readonly unknown[], orNull = false): Rule => ({
  valid: (v) => (orNull && v === null) || choices.includes(v),
  expected: `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}${orNull ? ', or null' : ''}`,
});
const orNull = (r: Rule): Rule => ({ valid: (v) => v === null || r.valid(v), expected: `${r.expected}, or null` });

/**
 * One setting, said once: its default (the seed recipe's), what it may be, and what a file written
 * before it existed meant. Its flag (cli/options.ts) and which member kinds read it (presets.ts) are
 * the only other places a new setting needs.
 */
interface Setting<T> {
  default: T;
  rule: Rule;
  /** What files written before the setting existed did without it; absent: a file must hold it. */
  before?: T;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;

const VOCAB_SIZE = 100_000;

/** Every setting of a training run, in the order files list them. */
const SETTINGS = {
  /** What a run trains (presets.ts describes each). */
  preset: setting<Preset>({ default: 'seed', rule: oneOf(PRESETS), before: 'seed' }),
  /** The data file's format; null: from its extension (.tsv, .csv, .jsonl, each .gz too). */
  format: setting<DataFormat | null>({ default: null, rule: oneOf(DATA_FORMATS, true), before: null }),
  /** Column (JSON field) of the texts; null: found by its usual names. */
  textColumn: setting<string | null>({ default: null, rule: NAME_OR_NULL, before: null }),
  /** Column of the labels; null: found by its usual names. */
  labelColumn: setting<string | null>({ default: null, rule: NAME_OR_NULL, before: null }),
  /** Rows of one group (a sentence's phrases) never straddle the validation split or a fold. */
  groupColumn: setting<string | null>({ default: null, rule: NAME_OR_NULL, before: null }),
  /** The classes in this order; null: numbers ascending, words as they first appear. */
  labels: setting<string[] | null>({
    default: null,
    rule: {
      valid: (v) =>
        v === null ||
        (Array.isArray(v) &&
          v.length >= 2 &&
          v.every((x) => typeof x === 'string' && x !== '') &&
          new Set(v).size === v.length),
      expected: 'two or more different names, or null',
    },
    before: null,
  }),
  /** Validation rows from this labelled file instead of the training file's last rows. */
  validationFile: setting<string | null>({ default: null, rule: NAME_OR_NULL, before: null }),
  /** Hold out a seeded random share of the rows (or groups) instead of the last ones (for files sorted by label). */
  shuffleSplit: setting<boolean>({ default: false, rule: BOOLEAN, before: false }),
  /** The epoch to stop after. */
  epochs: setting<number>({ default: 8, rule: WHOLE_AT_LEAST_1, before: 8 }),
  batchSize: setting<number>({ default: 512, rule: WHOLE_AT_LEAST_1 }),
  /** Last fraction of rows held out for validation, as Keras' validation_split takes it. */
  validationSplit: setting<number>({ default: 0.1, rule: FRACTION }),
  /** Tokenizer num_words: word indices 1..maxWords-1 are kept, and the embedding has maxWords rows. */
  maxWords: setting<number>({
    default: 8192,
    rule: { ...WHOLE_AT_LEAST_2, problem: 'keeps no word (the tokenizer keeps indices 1 … maxWords − 1): at least 2' },
  }),
  embeddingDim: setting<number>({ default: 256, rule: WHOLE_AT_LEAST_1 }),
  units: setting<number>({ default: 256, rule: WHOLE_AT_LEAST_1 }),
  denseUnits: setting<number>({ default: 256, rule: WHOLE_AT_LEAST_1 }),
  /** Rate of SpatialDropout1D, the LSTM's input and recurrent dropout, and Dropout. */
  dropout: setting<number>({ default: 0.3, rule: FRACTION }),
  learningRate: setting<number>({ default: 0.001, rule: ABOVE_0 }),
  /** Seeds initial weights, dropout masks and shuffling. */
  seed: setting<number>({ default: 42, rule: WHOLE_AT_LEAST_0 }),
  pad: setting<BatchingMode>({ default: 'mix', rule: oneOf(BATCHING_MODES) }),
  recurrentActivation: setting<RecurrentActivation>({ default: 'hard_sigmoid', rule: oneOf(RECURRENT_ACTIVATIONS) }),
  /** Longest input in tokens; null until the data sets it (the longest phrase, at most MAX_LEN_CAP). */
  maxLen: setting<number | null>({ default: null, rule: orNull(WHOLE_AT_LEAST_1) }),
  /** Which epoch's weights the model keeps (files from before it kept the last). */
  keep: setting<KeepPolicy>({ default: 'best', rule: oneOf(KEEP_POLICIES), before: 'last' }),
  monitor: setting<Monitor>({ default: 'val_acc', rule: oneOf(MONITORS), before: 'val_acc' }),
  /** Stop after this many epochs without improvement of `monitor`; null: run every epoch. */
  earlyStop: setting<number | null>({ default: null, rule: orNull(WHOLE_AT_LEAST_1), before: null }),
  /** Store the training phrases' labels with the model (the phrase memory). */
  memory: setting<boolean>({ default: true, rule: BOOLEAN, before: false }),
  /** Pretrained word vectors: `glove-100d` (the npm package) or a vectors file; null: none. */
  embeddings: setting<string | null>({ default: null, rule: NAME_OR_NULL, before: null }),
  /** Words of the member on pretrained vectors: the training words, then the most frequent pretrained ones. */
  vocabSize: setting<number>({ default: VOCAB_SIZE, rule: WHOLE_AT_LEAST_1, before: VOCAB_SIZE }),
  bidirectional: setting<boolean>({ default: true, rule: BOOLEAN, before: true }),
  pooling: setting<Pooling>({ default: 'max-mean', rule: oneOf(POOLINGS), before: 'max-mean' }),
  /** A model trained on folds (the best preset) whose out-of-fold answers the members train towards; null: the labels alone. */
  teacher: setting<string | null>({ default: null, rule: NAME_OR_NULL, before: null }),
  /**
   * Which answers of the teacher a student learns the file's rows from: `out-of-fold` (each row from the
   * fold models that never saw it, what its stack was fitted on) or `model` (the teacher as predict answers, most of its fold models having trained on the row).
   */
  teacherTargets: setting<TeacherTargets>({
    default: 'out-of-fold',
    rule: oneOf(TEACHER_TARGETS),
    before: 'out-of-fold',
  }),
  /** The teacher's share of each training target (the rest is the label). */
  distilWeight: setting<number>({ default: 0.8, rule: SHARE, before: 0.8 }),
  /** The distillation term's temperature: teacher and student both softened at it, their cross-entropy times T² (Hinton et al.). */
  temperature: setting<number>({ default: 1, rule: TEMPERATURE, before: 1 }),
  /** With a teacher: the kinds of new texts made from the training rows and labelled by the teacher; empty: none. */
  augment: setting<AugmentKind[]>({
    default: [],
    rule: {
      valid: (v) =>
        Array.isArray(v) && v.every((x) => AUGMENT_KINDS.includes(x as AugmentKind)) && new Set(v).size === v.length,
      expected: `a list of different kinds among ${AUGMENT_KINDS.map((k) => JSON.stringify(k)).join(', ')} (empty: none)`,
    },
    before: [],
  }),
  /** The model's LSTM members store their weights as 16-bit floats: half the bytes on disk. */
  float16: setting<boolean>({ default: false, rule: BOOLEAN, before: false }),
  /** checkpoint/ stays once the run has ended (a resume can take it to more epochs); false: the directory is the model alone. */
  keepCheckpoint: setting<boolean>({ default: true, rule: BOOLEAN, before: true }),
  /** New texts per training row, all kinds together. */
  augmentShare: setting<number>({ default: 0.5, rule: AUGMENT_SHARE, before: 0.5 }),
};

type SettingTable = typeof SETTINGS;

/** The settings of a run, each described where SETTINGS says it once. */
export type RunSettings = { -readonly [K in keyof SettingTable]: SettingTable[K] extends Setting<infer T> ? T : never };

export type SettingKey = keyof RunSettings;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** Where `train` writes and the other commands look when no directory is given. */
export const DEFAULT_MODEL_DIR = 'models/sentiment';

/** Phrases per forward pass when predicting (results do not depend on it; memory does). */
export const PREDICT_BATCH_SIZE = 512;

/** The seed recipe. */
export const DEFAULT_SETTINGS: Readonly<RunSettings> = Object.freeze(
  Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].default])) as RunSettings,
);

/** What each setting may be, said once. */
export const SETTING_RULES: { readonly [K in SettingKey]: Rule } = Object.fromEntries(
  SETTING_KEYS.map((k) => [k, SETTINGS[k].rule]),
) as { [K in SettingKey]: Rule };

/**
 * The run's settings out of whatever carries them (a command's flags, a run's options): each setting
 * taken from `from`, the default where it is absent, each checked (a SettingError naming the first
 * that cannot be). The one projection from options to settings.
 */
export function pickSettings(from: Partial<RunSettings>): RunSettings {
  checkSettings(from);
  const out = { ...DEFAULT_SETTINGS };
  for (const k of SETTING_KEYS) copySetting(out, from, k);
  return out;
}

/** to[k] = from[k] where `from` has it: one key, its type kept. */
export function copySetting<K extends SettingKey>(to: RunSettings, from: Partial<RunSettings>, k: K): void {
  const v = from[k];
  if (v !== undefined) to[k] = v as RunSettings[K];
}

/** What a resumed run must share with its checkpoint: everything but the epochs to reach and what stays after. */
export const FIXED_ON_RESUME: readonly SettingKey[] = SETTING_KEYS.filter(
  (k) => k !== 'epochs' && k !== 'keepCheckpoint',
);

/** The settings as files hold them: snake_case keys, as Keras names its parameters. */
export type RunSettingsJson = { [K in SettingKey as SnakeCase<K>]: RunSettings[K] };

type SnakeCase<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}`
  : S;

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function settingsToJson(s: RunSettings): RunSettingsJson {
  return Object.fromEntries(SETTING_KEYS.map((k) => [snake(k), s[k]])) as RunSettingsJson;
}

/** A value as a message shows it. */
function shown(v: unknown): string | number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Every setting `from` has, checked: a SettingError naming the first one that cannot be. */
export function checkSettings(from: Partial<Record<SettingKey, unknown>>): void {
  for (const k of SETTING_KEYS) {
    const v = from[k];
    if (v !== undefined && !SETTING_RULES[k].valid(v))
      throw new SettingError(k, SETTING_RULES[k].problem ?? `must be ${SETTING_RULES[k].expected}`, {
        given: shown(v),
      });
  }
}

/**
 * Settings read back from a file, each one checked. Files written before settings had one form (a
 * history's `params`, a checkpoint's camelCase `settings`) read the same; a missing epochs count is the default.
 */
export function settingsFromJson(json: unknown, file: string): RunSettings {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new InputError('settings: expected an object', { file });
  const o = json as Record<string, unknown>;
  const out = { ...DEFAULT_SETTINGS };
  const read = <K extends SettingKey>(k: K): void => {
    out[k] = settingFromJson(o, k, file);
  };
  for (const k of SETTING_KEYS) read(k);
  return out;
}

/** One setting of a settings record, checked: its snake_case or camelCase key, or what older files meant. */
function settingFromJson<K extends SettingKey>(o: Record<string, unknown>, k: K, file: string): RunSettings[K] {
  let v = snake(k) in o ? o[snake(k)] : o[k];
  if (k === 'recurrentActivation' && v === 'hardSigmoid') v = 'hard_sigmoid';
  if (v === undefined) v = (SETTINGS[k] as Setting<unknown>).before;
  if (!SETTING_RULES[k].valid(v))
    throw new InputError(
      `settings: ${snake(k)} is ${v === undefined ? 'missing' : `not valid (${JSON.stringify(v)})`}`,
      {
        file,
      },
    );
  return v as RunSettings[K];
}
