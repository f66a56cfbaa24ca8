/**
 * The phrase memory: how often each cleaned training phrase carried each label (training rows only,
 * never validation rows). A text whose cleaned form is in memory gets its human label back, with
 * the stored label frequencies as its probabilities. Saved as memory.tsv.gz: one line per phrase,
 * `label:count[,label:count…]<TAB>phrase`.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { readBinaryFile } from '../fs/read.ts';

export const MEMORY_FILE = 'memory.tsv.gz';

export class PhraseMemory {
  constructor(
    readonly classes: number,
    /** Cleaned phrase → its label counts, as stored (`2:1` or `2:3,3:1`). */
    private readonly entries: Map<string, string>,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Counts the labels of `rows` (indices into `cleaned` and `labels`). */
  static build(cleaned: ReadonlyArray<string>, labels: ArrayLike<number>, rows: ArrayLike<number>, classes: number): PhraseMemory {
    const counts = new Map<string, number[]>();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      // A phrase that cleans to nothing says nothing.
      if (cleaned[r] === '') continue;
      let c = counts.get(cleaned[r]);
      if (!c) counts.set(cleaned[r], (c = new Array<number>(classes).fill(0)));
      c[labels[r]] += 1;
    }
    const entries = new Map<string, string>();
    for (const [phrase, c] of counts) entries.set(phrase, c.flatMap((n, label) => (n > 0 ? [`${label}:${n}`] : [])).join(','));
    return new PhraseMemory(classes, entries);
  }

  /** The stored label frequencies of a cleaned text, or null when it is not in memory. */
  lookup(cleaned: string): Float32Array | null {
    const stored = this.entries.get(cleaned);
    if (stored === undefined) return null;
    const p = new Float32Array(this.classes);
    let total = 0;
    for (const part of stored.split(',')) {
      const [label, n] = part.split(':').map(Number);
      p[label] = n;
      total += n;
    }
    for (let j = 0; j < p.length; j++) p[j] /= total;
    return p;
  }

  async save(dir: string): Promise<string[]> {
    const lines: string[] = [];
    for (const [phrase, counts] of this.entries) lines.push(`${counts}\t${phrase}`);
    await writeFileAtomic(join(dir, MEMORY_FILE), gzipSync(`${lines.join('\n')}\n`));
    return [MEMORY_FILE];
  }

  static async load(dir: string, classes: number): Promise<PhraseMemory> {
    const path = join(dir, MEMORY_FILE);
    let text: string;
    try {
      text = gunzipSync(await readBinaryFile(path)).toString('utf8');
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`is not gzip data (${(err as Error).message})`, { file: path });
    }
    const entries = new Map<string, string>();
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line === '') return;
      const tab = line.indexOf('\t');
      const counts = tab > 0 ? line.slice(0, tab) : '';
      if (!/^\d+:\d+(,\d+:\d+)*$/.test(counts) || counts.split(',').some((p) => Number(p.split(':')[0]) >= classes)) {
        throw new InputError(`expected label:count pairs for ${classes} classes, a tab and a phrase`, { file: path, line: i + 1 });
      }
      entries.set(line.slice(tab + 1), counts);
    });
    return new PhraseMemory(classes, entries);
  }
}
