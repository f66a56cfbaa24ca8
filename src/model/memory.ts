/**
 * The phrase memory: how often each cleaned training phrase carried each label (training rows only,
 * never validation rows). A text whose cleaned form is in memory gets its human label back, with
 * the stored label frequencies as its probabilities. Saved as memory.tsv.gz: one line per phrase,
 * `label:count[,label:count…]<TAB>phrase`. No file access here (memory-file.ts reads and writes it):
 * the browser module answers from the same class.
 */
import { InputError } from '../errors.ts';

export const MEMORY_FILE = 'memory.tsv.gz';

/** Lookups answered by searching the file's text before the phrases are put in a map: one prediction never waits for 140k entries. */
const SCANS_BEFORE_INDEXING = 64;

export class PhraseMemory {
  /** Cleaned phrase → its label counts, as stored (`2:1` or `2:3,3:1`); built on first need when loaded. */
  private entries: Map<string, string> | null;
  private scans = 0;

  private constructor(
    readonly classes: number,
    entries: Map<string, string> | null,
    /** memory.tsv.gz's text, checked line by line, ending in a newline (a loaded memory). */
    private readonly text: string | null = null,
  ) {
    this.entries = entries;
  }

  /** Phrases held; a loaded memory not yet indexed counts its lines (one tab each). */
  get size(): number {
    return this.entries?.size ?? this.text?.match(/\t/g)?.length ?? 0;
  }

  /** Counts the labels of `rows` (indices into `cleaned` and `labels`). */
  static build(
    cleaned: ReadonlyArray<string>,
    labels: ArrayLike<number>,
    rows: ArrayLike<number>,
    classes: number,
  ): PhraseMemory {
    const counts = new Map<string, number[]>();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      // A phrase that cleans to nothing says nothing.
      if (cleaned[r] === '') continue;
      let c = counts.get(cleaned[r]);
      if (c === undefined) {
        c = new Array<number>(classes).fill(0);
        counts.set(cleaned[r], c);
      }
      c[labels[r]] += 1;
    }
    const entries = new Map<string, string>();
    for (const [phrase, c] of counts)
      entries.set(phrase, c.flatMap((n, label) => (n > 0 ? [`${label}:${n}`] : [])).join(','));
    return new PhraseMemory(classes, entries);
  }

  /** The stored label frequencies of a cleaned text, or null when it is not in memory. */
  lookup(cleaned: string): Float32Array | null {
    const stored = this.countsOf(cleaned);
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

  private countsOf(cleaned: string): string | undefined {
    if (cleaned === '' || cleaned.includes('\n') || cleaned.includes('\t')) return undefined;
    if (this.entries === null && this.text !== null && this.scans++ < SCANS_BEFORE_INDEXING)
      return findCounts(this.text, cleaned);
    return this.index().get(cleaned);
  }

  private index(): Map<string, string> {
    if (this.entries === null) {
      this.entries = new Map();
      for (const line of (this.text ?? '').split('\n')) {
        const tab = line.indexOf('\t');
        if (tab > 0) this.entries.set(line.slice(tab + 1), line.slice(0, tab));
      }
    }
    return this.entries;
  }

  /** memory.tsv.gz's text (before gzip): one line per phrase, ending in a newline. */
  toText(): string {
    const lines: string[] = [];
    for (const [phrase, counts] of this.index()) lines.push(`${counts}\t${phrase}`);
    return `${lines.join('\n')}\n`;
  }

  /** A memory from memory.tsv.gz's text (unzipped), every line checked; errors name `file` and the line. */
  static parse(text: string, classes: number, file: string): PhraseMemory {
    if (!text.endsWith('\n')) text += '\n';
    // Every line checked in one pass of the regex engine: label:count pairs for known classes, a tab, a phrase.
    const label = Array.from({ length: classes }, (_, i) => i).join('|');
    const bad = new RegExp(`^(?!(?:(?:${label}):\\d+(?:,(?:${label}):\\d+)*\\t[^\\t\\n]+)?$)`, 'm').exec(
      text.slice(0, -1),
    );
    if (bad) {
      const line = text.slice(0, bad.index).split('\n').length;
      throw new InputError(`expected label:count pairs for ${classes} classes, a tab and a phrase`, { file, line });
    }
    return new PhraseMemory(classes, null, text);
  }
}

/** The counts on the line whose phrase is `phrase`, found in the text itself. */
function findCounts(text: string, phrase: string): string | undefined {
  const at = text.indexOf(`\t${phrase}\n`);
  if (at < 0) return undefined;
  const start = text.lastIndexOf('\n', at) + 1;
  return text.slice(start, at);
}
