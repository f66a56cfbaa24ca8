/**
 * meta.json: what a saved model needs besides its weights to be used the way it was trained (its
 * members, labels, cleaning rules), and how it was made (settings, data, engine, versions).
 * Version 1 (one LSTM, its max_len and batching at the top) is read as a one-member version 2.
 */
import { CLEANING_VERSION } from '../data/clean.ts';
import type { Classes } from '../data/labels.ts';
import { InputError } from '../errors.ts';
import { settingsFromJson, settingsToJson, type RunSettings, type RunSettingsJson } from '../settings.ts';
import type { FileDigest } from '../fs/digest.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { blendProblem, type Blend } from './blend.ts';
import { ENTRY_PROBLEMS, MEMBER_KINDS, type MemberEntry, type MemberKind } from './member.ts';
import { isSha256, type TokenizerFacts, tokenizerFactsProblem } from './tokenizer-facts.ts';

export type { TokenizerFacts } from './tokenizer-facts.ts';

export const META_FORMAT_VERSION = 3;

/** One fold's scores on its held-out rows: each member's, then the blend's (fitted on the other folds' rows). */
export interface FoldScores {
  fold: number;
  trainRows: number;
  valRows: number;
  scores: { kind: string; valAcc: number; valLoss: number }[];
}

/** A model trained on every fold (the `best` preset): its fold models are its members. */
export interface BaggingRecord {
  folds: number;
  /** The blend of the member kinds (one weight per kind, in the preset's order), fitted on out-of-fold answers. */
  stack: Blend;
  per_fold: FoldScores[];
  /** Mean and sd over the folds of each member's and the blend's val_acc. */
  summary: { kind: string; mean: number; sd: number }[];
}

export interface ModelMeta {
  format_version: number;
  /** Each class's label as the training data wrote it (Kaggle: "0" … "4"); predictions index them. */
  labels: string[];
  label_names: string[];
  cleaning_version: number;
  members: MemberEntry[];
  /** How the members' probabilities are combined (null: one member). */
  blend: Blend | null;
  /** The phrase memory (memory.tsv.gz), or null when the model has none. */
  memory: { phrases: number } | null;
  /** How the model was trained (null for a version-1 directory without history.json). */
  settings: RunSettingsJson | null;
  data_file: string;
  data_sha256: string;
  engine: string;
  package_version: string;
  tfjs_version: string;
  created: string;
  /**
   * Each file of the model (path inside the directory) with its size and sha256, as saved: a damaged or
   * tampered file is refused even where the phrase memory answers without loading it. Absent in
   * directories saved before it existed.
   */
  files?: Record<string, FileDigest>;
  /**
   * What a pass over each tokenizer's word_index learned when it was saved (path inside the directory),
   * with that file's sha256: a load whose checked file has the same sha256 uses it instead of the pass
   * (~40 ms a 100,000-word tokenizer on a cold start). Absent in directories saved before it existed.
   */
  tokenizer_facts?: Record<string, TokenizerFacts>;
  /** Present when the members are fold models (every row trained some of them; none was held out). */
  bagging?: BaggingRecord;
}

export interface MetaInputs {
  classes: Classes;
  members: MemberEntry[];
  blend: Blend | null;
  memory: { phrases: number } | null;
  settings: RunSettings;
  dataFile: string;
  dataSha256: string;
  engine: string;
  /** The @tensorflow/tfjs-core version that trained it. */
  tfjsVersion: string;
  bagging?: BaggingRecord | null;
}

/** meta.json for a model trained now, by this package, with the current cleaning rules. */
export function makeMeta(m: MetaInputs): ModelMeta {
  return {
    format_version: META_FORMAT_VERSION,
    labels: [...m.classes.labels],
    label_names: [...m.classes.names],
    cleaning_version: CLEANING_VERSION,
    members: m.members,
    blend: m.blend,
    memory: m.memory,
    settings: settingsToJson(m.settings),
    data_file: m.dataFile,
    data_sha256: m.dataSha256,
    engine: m.engine,
    package_version: PACKAGE_VERSION,
    tfjs_version: m.tfjsVersion,
    created: new Date().toISOString(),
    ...(m.bagging ? { bagging: m.bagging } : {}),
  };
}

type Json = Record<string, unknown>;

/**
 * meta.json as read back, checked field by field against what this version needs; `params` is a
 * version-1 history's settings record (version 1 kept them there).
 */
export function metaFromJson(json: unknown, file: string, params: unknown = null): ModelMeta {
  const bad = (what: string) => new InputError(what, { file });
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw bad('expected a JSON object');
  const m = json as Json;
  if (typeof m.format_version !== 'number' || m.format_version > META_FORMAT_VERSION) {
    throw bad(
      `format_version ${JSON.stringify(m.format_version)} is not one this version reads (up to ${META_FORMAT_VERSION}); upgrade sentiment`,
    );
  }
  if (m.cleaning_version !== CLEANING_VERSION) {
    throw bad(
      `cleaning_version ${JSON.stringify(m.cleaning_version)} differs from this version's (${CLEANING_VERSION}); the model would see different text`,
    );
  }
  const names = m.label_names;
  if (!Array.isArray(names) || names.length < 2 || !names.every((n) => typeof n === 'string'))
    throw bad('label_names must list at least two class names');
  // Before version 3 labels were the class numbers.
  const labels = Array.isArray(m.labels) ? m.labels.map(String) : names.map((_, i) => String(i));
  if (labels.length !== names.length || new Set(labels).size !== labels.length)
    throw bad('labels must list one distinct label per name in label_names');
  const members =
    m.format_version >= 2 ? m.members : [{ kind: 'lstm', path: '.', max_len: m.max_len, batching: m.batching }];
  if (!Array.isArray(members) || members.length === 0) throw bad('members must list at least one member');
  members.forEach((e, i) => {
    const problem = entryProblem(e);
    if (problem) throw bad((m.format_version as number) >= 2 ? `members[${i}]: ${problem}` : problem);
  });
  const blend = m.format_version >= 2 && m.blend !== null && m.blend !== undefined ? (m.blend as Blend) : null;
  if (members.length > 1 || blend) {
    const problem = blendProblem(blend, members.length);
    if (problem) throw bad(problem);
    if (blend?.logistic && blend.logistic.bias.length !== names.length)
      throw bad(`blend.logistic is for ${blend.logistic.bias.length} classes; label_names lists ${names.length}`);
  }
  const memory = m.format_version >= 2 && m.memory !== null && m.memory !== undefined ? m.memory : null;
  if (memory !== null && !Number.isInteger((memory as { phrases?: unknown }).phrases))
    throw bad('memory.phrases must be a whole number');
  const settings = m.format_version >= 2 ? m.settings : params;
  return {
    format_version: m.format_version,
    labels,
    label_names: names as string[],
    cleaning_version: CLEANING_VERSION,
    members: members as MemberEntry[],
    blend,
    memory: memory as { phrases: number } | null,
    settings: settings === null || settings === undefined ? null : settingsToJson(settingsFromJson(settings, file)),
    data_file: String(m.data_file ?? ''),
    data_sha256: String(m.data_sha256 ?? ''),
    engine: String(m.engine ?? ''),
    package_version: String(m.package_version ?? ''),
    tfjs_version: String(m.tfjs_version ?? ''),
    created: String(m.created ?? ''),
    ...(m.files === undefined ? {} : { files: filesFromJson(m.files, bad) }),
    ...(m.tokenizer_facts === undefined ? {} : { tokenizer_facts: tokenizerFactsFromJson(m.tokenizer_facts, bad) }),
    ...(m.bagging === undefined ? {} : { bagging: baggingFromJson(m.bagging, members.length, bad) }),
  };
}

/** The record is descriptive (the members and blend are what answers): its shape is checked, not its figures. */
function baggingFromJson(b: unknown, members: number, bad: (what: string) => InputError): BaggingRecord {
  const o = (b ?? {}) as Json;
  const stack = (o.stack ?? {}) as Json;
  const kinds = Array.isArray(stack.weights) ? stack.weights.length : 0;
  if (
    !Number.isInteger(o.folds) ||
    (o.folds as number) < 2 ||
    !Array.isArray(o.per_fold) ||
    !Array.isArray(o.summary) ||
    blendProblem(stack, kinds) !== null
  )
    throw bad('bagging must give folds (2 or more), stack, per_fold and summary');
  // evaluate and report group the members into fold copies by it: each fold holds every kind once.
  if (members % (o.folds as number) !== 0 || (kinds > 0 && members !== kinds * (o.folds as number)))
    throw bad(
      `bagging.folds is ${String(o.folds)}: the members (${members}) are not that many copies of the stack's ${kinds} kinds`,
    );
  return o as unknown as BaggingRecord;
}

function filesFromJson(files: unknown, bad: (what: string) => InputError): Record<string, FileDigest> {
  if (files === null || typeof files !== 'object' || Array.isArray(files)) throw bad('files must be an object');
  for (const [path, d] of Object.entries(files as Json)) {
    const digest = (d ?? {}) as Json;
    if (outsideDirectory(path)) throw bad(`files: ${JSON.stringify(path)} is outside the model directory`);
    if (!Number.isSafeInteger(digest.bytes) || !isSha256(digest.sha256))
      throw bad(`files: ${JSON.stringify(path)} needs bytes and a sha256`);
  }
  return files as Record<string, FileDigest>;
}

/** What is wrong with a meta.json member entry, or null when it is one this version loads. */
function entryProblem(e: unknown): string | null {
  const o = (e ?? {}) as Record<string, unknown>;
  if (typeof o.path !== 'string' || outsideDirectory(o.path))
    return 'path must be a directory inside the model directory';
  if (!(MEMBER_KINDS as readonly unknown[]).includes(o.kind)) return `unknown kind ${JSON.stringify(o.kind)}`;
  return ENTRY_PROBLEMS[o.kind as MemberKind](o);
}

/** A path meta.json gives that leads out of the model directory (absolute, or through `..`). */
function outsideDirectory(path: string): boolean {
  return path.startsWith('/') || path.split(/[\\/]/).includes('..');
}

function tokenizerFactsFromJson(facts: unknown, bad: (what: string) => InputError): Record<string, TokenizerFacts> {
  const problem = tokenizerFactsProblem(facts, outsideDirectory);
  if (problem) throw bad(problem);
  return facts as Record<string, TokenizerFacts>;
}
