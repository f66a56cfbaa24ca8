/**
 * The sub-phrase member: what the training labels say about the parts of a phrase. Many new phrases
 * contain labelled training phrases ("not good" inside "it is not good at all"); this member finds the
 * longest runs of words of the phrase that are training phrases (never the whole phrase: that is the
 * phrase memory's answer), and averages their label frequencies, each weighted by its length in
 * words, with the training rows' class frequencies as a prior worth one word. A phrase with no known
 * part gets the prior. No engine, no epochs: a count table, saved as the phrase memory is.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { readJsonFile } from '../fs/read.ts';
import { saveJson } from './files.ts';
import type { Member, MemberOutput, PredictOptions, SubphraseEntry } from './member.ts';
import { MEMORY_FILE, PhraseMemory } from './memory.ts';

export const SUBPHRASE_CONFIG = 'subphrase.json';
const FORMAT_VERSION = 1;

/** How much the prior weighs, in words of matched sub-phrase. */
const PRIOR_WEIGHT = 1;

interface SubphraseJson {
  format_version: number;
  classes: number;
  /** The training rows' class frequencies. */
  prior: number[];
}

export class SubphraseMember implements Member {
  readonly kind = 'subphrase' as const;
  readonly maxLen = null;

  constructor(
    readonly memory: PhraseMemory,
    readonly prior: Float32Array,
  ) {}

  get numClasses(): number {
    return this.prior.length;
  }

  /** Counts the labels of `rows`: their phrases become the parts this member knows. */
  static train(cleaned: ReadonlyArray<string>, labels: ArrayLike<number>, rows: ArrayLike<number>, classes: number) {
    const prior = new Float32Array(classes);
    for (let i = 0; i < rows.length; i++) prior[labels[rows[i]]] += 1;
    for (let j = 0; j < classes; j++) prior[j] /= Math.max(1, rows.length);
    return new SubphraseMember(PhraseMemory.build(cleaned, labels, rows, classes), prior);
  }

  predict(cleaned: ReadonlyArray<string>, opts: PredictOptions = {}): MemberOutput {
    const k = this.numClasses;
    const out = new Float32Array(cleaned.length * k);
    cleaned.forEach((text, i) => {
      out.set(this.partsOf(text), i * k);
      if ((i + 1) % 4096 === 0 || i + 1 === cleaned.length) opts.onProgress?.(i + 1, cleaned.length);
    });
    return { probabilities: out, truncated: 0 };
  }

  /** The length-weighted label frequencies of the longest known runs of words, and the prior. */
  partsOf(text: string): Float32Array {
    const words = text === '' ? [] : text.split(' ');
    const n = words.length;
    const sum = Float64Array.from(this.prior, (p) => p * PRIOR_WEIGHT);
    let weight = PRIOR_WEIGHT;
    // A run inside one already taken adds nothing its container did not say.
    const taken: [number, number][] = [];
    for (let len = n - 1; len >= 1; len--) {
      for (let start = 0; start + len <= n; start++) {
        const end = start + len;
        if (taken.some(([s, e]) => s <= start && end <= e)) continue;
        const p = this.memory.lookup(words.slice(start, end).join(' '));
        if (p === null) continue;
        taken.push([start, end]);
        for (let j = 0; j < sum.length; j++) sum[j] += len * p[j];
        weight += len;
      }
    }
    return Float32Array.from(sum, (s) => s / weight);
  }

  async save(dir: string): Promise<string[]> {
    await mkdir(dir, { recursive: true });
    const json: SubphraseJson = { format_version: FORMAT_VERSION, classes: this.numClasses, prior: [...this.prior] };
    await saveJson(dir, SUBPHRASE_CONFIG, json);
    return [SUBPHRASE_CONFIG, ...(await this.memory.save(dir))];
  }

  entry(path: string): SubphraseEntry {
    return { kind: 'subphrase', path };
  }

  dispose(): void {}

  static async load(dir: string): Promise<SubphraseMember> {
    const file = join(dir, SUBPHRASE_CONFIG);
    const c = await readJsonFile<SubphraseJson>(file);
    if (c === null || typeof c !== 'object' || c.format_version !== FORMAT_VERSION)
      throw new InputError(`format_version ${JSON.stringify(c?.format_version)} is not one this version reads`, {
        file,
      });
    if (
      !Number.isInteger(c.classes) ||
      c.classes < 2 ||
      !Array.isArray(c.prior) ||
      c.prior.length !== c.classes ||
      !c.prior.every((p) => typeof p === 'number' && p >= 0 && p <= 1)
    )
      throw new InputError(`classes and prior (${MEMORY_FILE}'s class frequencies) are missing or invalid`, { file });
    return new SubphraseMember(await PhraseMemory.load(dir, c.classes), Float32Array.from(c.prior));
  }
}
