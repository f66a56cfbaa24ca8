/**
 * The settings of a training run, described once: their types, their defaults (the seed recipe's), and
 * the one JSON form in which meta.json, history.json and the checkpoint all record them.
 */
import { InputError } from './errors.ts';

/** `group`: one token length per batch, nothing padded; `max`: every phrase pre-padded to maxLen (the seed). */
export type BatchingMode = 'group' | 'max';
export const BATCHING_MODES: readonly BatchingMode[] = ['group', 'max'];

/** The LSTM's gate activation, as Keras spells it: `hard_sigmoid` (Keras 2.2, the seed) or `sigmoid` (Keras 2.3+). */
export type RecurrentActivation = 'hard_sigmoid' | 'sigmoid';
export const RECURRENT_ACTIVATIONS: readonly RecurrentActivation[] = ['hard_sigmoid', 'sigmoid'];

export interface RunSettings {
  /** The epoch to stop after. */
  epochs: number;
  batchSize: number;
  /** Last fraction of rows held out for validation, as Keras' validation_split takes it. */
  validationSplit: number;
  /** Tokenizer num_words: word indices 1..maxWords-1 are kept, and the embedding has maxWords rows. */
  maxWords: number;
  embeddingDim: number;
  units: number;
  denseUnits: number;
  /** Rate of SpatialDropout1D, the LSTM's input and recurrent dropout, and Dropout. */
  dropout: number;
  learningRate: number;
  /** Seeds initial weights, dropout masks and shuffling. */
  seed: number;
  pad: BatchingMode;
  recurrentActivation: RecurrentActivation;
  /** Longest input in tokens; null until the data sets it (the longest phrase, at most MAX_LEN_CAP). */
  maxLen: number | null;
}

export type SettingKey = keyof RunSettings;

/** The seed recipe. */
export const DEFAULT_SETTINGS: Readonly<RunSettings> = Object.freeze({
  epochs: 8,
  batchSize: 512,
  validationSplit: 0.1,
  maxWords: 8192,
  embeddingDim: 256,
  units: 256,
  denseUnits: 256,
  dropout: 0.3,
  learningRate: 0.001,
  seed: 42,
  pad: 'group',
  recurrentActivation: 'hard_sigmoid',
  maxLen: null,
});

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

/** What a resumed run must share with its checkpoint: everything but the number of epochs to reach. */
export const FIXED_ON_RESUME: readonly SettingKey[] = SETTING_KEYS.filter((k) => k !== 'epochs');

/** The settings as files hold them: snake_case keys, as Keras names its parameters. */
export type RunSettingsJson = { [K in SettingKey as SnakeCase<K>]: RunSettings[K] };

type SnakeCase<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}` : S;

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function settingsToJson(s: RunSettings): RunSettingsJson {
  return Object.fromEntries(SETTING_KEYS.map((k) => [snake(k), s[k]])) as RunSettingsJson;
}

const isPositiveInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 1;
const isFraction = (v: unknown) => typeof v === 'number' && v >= 0 && v < 1;

const VALID: { [K in SettingKey]: (v: unknown) => boolean } = {
  epochs: isPositiveInt,
  batchSize: isPositiveInt,
  validationSplit: isFraction,
  maxWords: isPositiveInt,
  embeddingDim: isPositiveInt,
  units: isPositiveInt,
  denseUnits: isPositiveInt,
  dropout: isFraction,
  learningRate: (v) => typeof v === 'number' && v > 0 && Number.isFinite(v),
  seed: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  pad: (v) => (BATCHING_MODES as readonly unknown[]).includes(v),
  recurrentActivation: (v) => (RECURRENT_ACTIVATIONS as readonly unknown[]).includes(v),
  maxLen: (v) => v === null || isPositiveInt(v),
};

/**
 * Settings read back from a file, each one checked. Files written before settings had one form (a
 * history's `params`, a checkpoint's camelCase `settings`) read the same; a missing epochs count is the default.
 */
export function settingsFromJson(json: unknown, file: string): RunSettings {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError('settings: expected an object', { file });
  const o = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    let v = snake(k) in o ? o[snake(k)] : o[k];
    if (k === 'recurrentActivation' && v === 'hardSigmoid') v = 'hard_sigmoid';
    if (k === 'epochs' && v === undefined) v = DEFAULT_SETTINGS.epochs;
    if (!VALID[k](v)) throw new InputError(`settings: ${snake(k)} is ${v === undefined ? 'missing' : `not valid (${JSON.stringify(v)})`}`, { file });
    out[k] = v;
  }
  return out as unknown as RunSettings;
}
