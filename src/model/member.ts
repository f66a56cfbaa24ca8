/**
 * A member of a model: something that turns cleaned texts into class probabilities, saves and loads
 * itself, and says its kind in meta.json. A model directory holds one member (the seed recipe's LSTM)
 * or several, whose probabilities are blended.
 */

import type { SplitTexts } from '../data/encode.ts';
import { BATCHING_MODES, type BatchingMode } from '../settings.ts';

export const MEMBER_KINDS = ['lstm', 'ngram', 'bilstm'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

export interface PredictOptions {
  /** Texts per forward pass; results do not depend on it. */
  batchSize?: number;
  onProgress?(done: number, total: number): void;
  /** The same texts split into words already, for every member with a tokenizer (answers do not change). */
  split?: SplitTexts;
}

export interface MemberOutput {
  /** Row-major [texts, classes]; a text's row never depends on the other texts. */
  probabilities: Float32Array;
  /** Texts longer than the member takes, cut to fit. */
  truncated: number;
}

/** What answering needs of a member: the CLI's members and the browser module's alike. */
export interface MemberScorer {
  readonly kind: MemberKind;
  readonly numClasses: number;
  /** Longest input in tokens it reads (longer texts are cut from the front), or null for no limit. */
  readonly maxLen: number | null;
  /**
   * Which of a cleaned text's words (split on spaces) it reads, ascending: leaving out any other word
   * cannot change its answer. Null (or absent): every word may count.
   */
  wordsRead?(words: ReadonlyArray<string>): number[] | null;
  /** Class probabilities of texts already cleaned (data/encode.ts `cleanTexts`). */
  predict(cleaned: ReadonlyArray<string>, opts?: PredictOptions): MemberOutput;
  /**
   * Members with the same key can be scored together by `predictTogether`, sharing work over the same
   * texts (the n-gram members of `best`'s folds make each text's n-grams once for all).
   */
  readonly shareKey?: string;
  /** Each of `members` (this one among them, every one of this shareKey) as its own predict scores it, in order. */
  predictTogether?(
    members: ReadonlyArray<MemberScorer>,
    cleaned: ReadonlyArray<string>,
    opts?: PredictOptions,
  ): MemberOutput[];
  /**
   * Starts scoring `members` (as predictTogether would) on another thread and returns at once, or null
   * where that would not pay (few texts, one core): what the caller's thread does meanwhile overlaps it.
   */
  startTogether?(
    members: ReadonlyArray<MemberScorer>,
    cleaned: ReadonlyArray<string>,
    opts?: PredictOptions,
  ): PendingOutputs | null;
}

/** Outputs being made on another thread (startTogether). */
export interface PendingOutputs {
  /** Texts scored so far, of each member: progress while the caller's thread does other work. */
  done(): number;
  /** Blocks until every member's output is there, in order, reporting `done` as it changes meanwhile. */
  wait(onProgress?: (done: number) => void): MemberOutput[];
}

/** How a member's weights are stored: float32 as trained, or quantized as tfjs' weightsManifest says. */
export const QUANTIZATIONS = ['float16', 'uint8'] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

export interface Member extends MemberScorer {
  /** Writes the member's files into `dir` (`quantize`: its weights stored so, where it has such weights); returns their names. */
  save(dir: string, opts?: SaveMemberOptions): Promise<string[]>;
  /** What meta.json records about it (path is where its files are, relative to the model directory). */
  entry(path: string): MemberEntry;
  dispose(): void;
}

export interface SaveMemberOptions {
  quantize?: Quantization | null;
  /** Its tokenizer with only the words it can index (what answering needs), not every word training counted. */
  compactTokenizer?: boolean;
}

/** How texts are fed to an LSTM member. */
export interface SequenceInput {
  /** Longest input; longer sequences are cut 'pre'. */
  maxLen: number;
  /** 'group': fed unpadded at their own length; 'max': pre-padded to maxLen. */
  batching: BatchingMode;
}

/**
 * A member fed token sequences (the recipe's LSTM, `lstm`; the bidirectional LSTM on pretrained
 * vectors, `bilstm`) in meta.json: where its files are and how texts are fed to it.
 */
export interface SequenceEntry {
  kind: 'lstm' | 'bilstm';
  path: string;
  max_len: number;
  batching: BatchingMode;
}

/** The bag-of-n-grams model in meta.json: where its files are. */
export interface NgramEntry {
  kind: 'ngram';
  path: string;
}

export type MemberEntry = SequenceEntry | NgramEntry;

/** What is wrong with a member entry of meta.json, kind by kind (its path checked already), or null. */
export const ENTRY_PROBLEMS: Readonly<Record<MemberKind, (o: Readonly<Record<string, unknown>>) => string | null>> = {
  lstm: sequenceEntryProblem,
  bilstm: sequenceEntryProblem,
  ngram: () => null,
};

function sequenceEntryProblem(o: Readonly<Record<string, unknown>>): string | null {
  if (
    !Number.isInteger(o.max_len) ||
    (o.max_len as number) < 1 ||
    !(BATCHING_MODES as readonly unknown[]).includes(o.batching)
  )
    return 'max_len or batching is missing or invalid';
  return null;
}
