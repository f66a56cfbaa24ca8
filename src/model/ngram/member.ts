/**
 * The bag-of-n-grams member as a model directory holds it: its scorer (scorer.ts) with ngram.json and
 * ngram.bin written and read.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-file.ts';
import { readBinaryFile, readJsonFile } from '../../fs/read.ts';
import { saveJson } from '../files.ts';
import type { Member, MemberScorer, NgramEntry, PendingOutputs, PredictOptions } from '../member.ts';
import { NGRAM_FILES, NGRAM_FORMAT_VERSION, type NgramJson, NgramScorer, parseNgramFiles } from './scorer.ts';
import { ScoringThread, worthAThread } from './scoring-thread.ts';

export { NGRAM_FILES };

export class NgramMember extends NgramScorer implements Member {
  /** The worker scoring this member's group, started by the first batch worth one. */
  private thread: ScoringThread | null = null;
  /** Why no worker could be started (this thread scores then). */
  private noThread: Error | null = null;

  startTogether(
    members: ReadonlyArray<MemberScorer>,
    cleaned: ReadonlyArray<string>,
    opts: PredictOptions = {},
  ): PendingOutputs | null {
    const scorers = this.together(members);
    if (!worthAThread(cleaned.length) || this.thread?.failed || this.noThread) return null;
    const same =
      this.thread?.scorers.length === scorers.length && scorers.every((m, i) => this.thread?.scorers[i] === m);
    if (!same) {
      this.thread?.close();
      this.thread = null;
      try {
        this.thread = new ScoringThread(scorers);
      } catch (e) {
        // Node refused a thread (its limits, memory): answers come from this one, as without a second core.
        this.noThread = e instanceof Error ? e : new Error(String(e));
        return null;
      }
    }
    return (this.thread as ScoringThread).start(cleaned, opts);
  }

  async save(dir: string): Promise<string[]> {
    await mkdir(dir, { recursive: true });
    const v = this.vectorizer;
    const m = this.model;
    const json: NgramJson = {
      format_version: NGRAM_FORMAT_VERSION,
      word_n: v.config.wordN,
      char_n: v.config.charN,
      hash_bits: v.config.hashBits,
      features: v.features,
      classes: m.classes,
    };
    const parts = [v.buckets, v.idf, m.weights, m.bias];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
      at += p.byteLength;
    }
    await saveJson(dir, NGRAM_FILES.config, json);
    await writeFileAtomic(join(dir, NGRAM_FILES.weights), bytes);
    return [NGRAM_FILES.config, NGRAM_FILES.weights];
  }

  entry(path: string): NgramEntry {
    return { kind: 'ngram', path };
  }

  dispose(): void {
    this.thread?.close();
    this.thread = null;
  }

  static async load(dir: string): Promise<NgramMember> {
    const paths = { config: join(dir, NGRAM_FILES.config), weights: join(dir, NGRAM_FILES.weights) };
    const config = await readJsonFile<NgramJson>(paths.config);
    const { vectorizer, model } = parseNgramFiles(config, await readBinaryFile(paths.weights), paths);
    return new NgramMember(vectorizer, model);
  }
}
