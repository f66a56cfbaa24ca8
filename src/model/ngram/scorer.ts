/**
 * The bag-of-n-grams member's answers: tf-idf over hashed word 1–3-grams and character 2–5-grams of
 * the cleaned phrase, then multinomial logistic regression. Plain typed arrays, no engine and no file
 * access (member.ts saves and loads it): the browser module scores with this same class.
 */
import { InputError } from '../../errors.ts';
import type { MemberOutput, MemberScorer, PredictOptions } from '../member.ts';
import { type NgramConfig, ngramIds } from './features.ts';
import { SoftmaxRegression } from './softmax.ts';
import { DistinctGrams, RowFeatures, TfidfVectorizer } from './vectorizer.ts';

export const NGRAM_FILES = { config: 'ngram.json', weights: 'ngram.bin' } as const;
export const NGRAM_FORMAT_VERSION = 1;

/** Texts whose n-gram ids are made at once for every member that shares them. */
const IDS_BLOCK = 2048;

/** ngram.json: what ngram.bin holds, in order: buckets (int32), idf (float32), weights [features, classes] (float32), bias (float32). */
export interface NgramJson {
  format_version: number;
  word_n: [number, number];
  char_n: [number, number];
  hash_bits: number;
  features: number;
  classes: number;
}

export class NgramScorer implements MemberScorer {
  readonly kind = 'ngram' as const;
  readonly maxLen = null;

  constructor(
    readonly vectorizer: TfidfVectorizer,
    readonly model: SoftmaxRegression,
  ) {}

  get numClasses(): number {
    return this.model.classes;
  }

  /** N-gram members of one configuration share each text's n-gram ids. */
  get shareKey(): string {
    const { wordN, charN, hashBits } = this.vectorizer.config;
    return `ngram ${wordN} ${charN} ${hashBits}`;
  }

  /** `members` as n-gram scorers of this one's settings, else a TypeError. */
  protected together(members: ReadonlyArray<MemberScorer>): NgramScorer[] {
    return members.map((m) => {
      if (!(m instanceof NgramScorer) || m.shareKey !== this.shareKey)
        throw new TypeError(
          `an n-gram member scores together only with n-gram members of its settings (${this.shareKey})`,
        );
      return m;
    });
  }

  predict(cleaned: ReadonlyArray<string>, opts: PredictOptions = {}): MemberOutput {
    return this.predictTogether([this], cleaned, opts)[0];
  }

  predictTogether(
    members: ReadonlyArray<MemberScorer>,
    cleaned: ReadonlyArray<string>,
    opts: PredictOptions = {},
  ): MemberOutput[] {
    const scorers = this.together(members);
    const outs = scorers.map((m) => new Float32Array(cleaned.length * m.model.classes));
    const zs = scorers.map((m) => new Float64Array(m.model.classes));
    const step = opts.batchSize ?? 512;
    // A block of texts at a time: their n-gram ids made, sorted and counted once, then each member's
    // rows scored where they are made, member after member. Text by text, the five members of `best`
    // (16 MB of tables each) gained nothing; by blocks of 2,048 texts, 10% of their time.
    const row = new RowFeatures();
    const grams = new DistinctGrams();
    const ids: number[] = [];
    for (let start = 0; start < cleaned.length; start += IDS_BLOCK) {
      const end = Math.min(cleaned.length, start + IDS_BLOCK);
      grams.clear();
      for (let i = start; i < end; i++) {
        ids.length = 0;
        ngramIds(cleaned[i], this.vectorizer.config, ids);
        grams.add(ids);
      }
      scorers.forEach((m, j) => {
        for (let i = start; i < end; i++) {
          const n = m.vectorizer.rowFromGrams(grams, i - start, row);
          m.model.rowInto(row.cols, row.vals, 0, n, zs[j], outs[j], i);
        }
      });
      for (let i = start; i < end; i++)
        if ((i + 1) % step === 0 || i + 1 === cleaned.length) opts.onProgress?.(i + 1, cleaned.length);
    }
    return outs.map((probabilities) => ({ probabilities, truncated: 0 }));
  }
}

/**
 * The vectorizer and regression in ngram.json (parsed) and ngram.bin's bytes, every field checked;
 * errors name the file at `paths`.
 */
export function parseNgramFiles(
  c: NgramJson | null,
  bytes: Uint8Array,
  paths: { config: string; weights: string },
): { vectorizer: TfidfVectorizer; model: SoftmaxRegression } {
  const bad = (what: string) => new InputError(what, { file: paths.config });
  if (c === null || typeof c !== 'object' || c.format_version !== NGRAM_FORMAT_VERSION)
    throw bad(`format_version ${JSON.stringify(c?.format_version)} is not one this version reads`);
  const pair = (v: unknown) =>
    Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x >= 1) && v[0] <= v[1];
  if (!pair(c.word_n) || !pair(c.char_n) || !Number.isInteger(c.hash_bits) || c.hash_bits < 8 || c.hash_bits > 24)
    throw bad('word_n, char_n or hash_bits is missing or invalid');
  if (!Number.isInteger(c.features) || c.features < 0 || !Number.isInteger(c.classes) || c.classes < 2)
    throw bad('features or classes is missing or invalid');
  const expected = 4 * (c.features * (2 + c.classes) + c.classes);
  if (bytes.byteLength !== expected)
    throw new InputError(
      `has ${bytes.byteLength} bytes, ${NGRAM_FILES.config} declares ${expected} (truncated or from another model)`,
      { file: paths.weights },
    );
  // Read where the file's bytes lie when they are aligned for 32-bit views (a whole file read alone is).
  const aligned = bytes.byteOffset % 4 === 0;
  const buffer = aligned ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const at = aligned ? bytes.byteOffset : 0;
  const f = c.features;
  const buckets = new Int32Array(buffer, at, f);
  const limit = 2 << c.hash_bits;
  if (buckets.some((b) => b < 0 || b >= limit))
    throw new InputError(`holds a feature bucket outside the hash space of ${NGRAM_FILES.config}`, {
      file: paths.weights,
    });
  const config: NgramConfig = { wordN: c.word_n, charN: c.char_n, hashBits: c.hash_bits };
  return {
    vectorizer: new TfidfVectorizer(config, buckets, new Float32Array(buffer, at + 4 * f, f)),
    model: new SoftmaxRegression(
      c.classes,
      new Float32Array(buffer, at + 8 * f, f * c.classes),
      new Float32Array(buffer, at + 4 * f * (2 + c.classes), c.classes),
    ),
  };
}
