/**
 * A port of keras_preprocessing's `Tokenizer` (word level): same splitting, same index order
 * (by frequency, ties in first-seen order), same `num_words` cut-off, and the same JSON as
 * `tokenizer.to_json()`, so tokenizers move between Keras and this tool in both directions.
 */
import { pythonJsonDumps } from './pyjson.ts';

/** The seed's filter characters (Keras' default minus `! , . ? '` and whitespace). */
export const SEED_FILTERS = '"#$%&()*+-/:;<=>@[\\]^_`{|}~';

export interface TokenizerOptions {
  numWords?: number | null;
  filters?: string;
  lower?: boolean;
  split?: string;
  charLevel?: boolean;
  oovToken?: string | null;
}

/** The `config` object of Keras' tokenizer JSON, with its dict fields still as JSON strings. */
export interface KerasTokenizerConfig {
  num_words: number | null;
  filters: string;
  lower: boolean;
  split: string;
  char_level: boolean;
  oov_token: string | null;
  document_count: number;
  word_counts: string;
  word_docs: string;
  index_docs: string;
  index_word: string;
  word_index: string;
}

export interface KerasTokenizerJson {
  class_name: 'Tokenizer';
  config: KerasTokenizerConfig;
}

export class Tokenizer {
  readonly numWords: number | null;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly charLevel: boolean;
  readonly oovToken: string | null;
  documentCount = 0;
  /** Insertion-ordered, as Python's OrderedDict. */
  wordIndex = new Map<string, number>();
  // Fitting and saving use these; a loaded tokenizer parses them when first asked (predict never does).
  private counts = lazy(new Map<string, number>());
  private docs = lazy(new Map<string, number>());
  private words = lazy(new Map<number, string>());
  private indexedDocs = lazy(new Map<number, number>());
  get wordCounts(): Map<string, number> {
    return this.counts.get();
  }
  set wordCounts(m: Map<string, number>) {
    this.counts = lazy(m);
  }
  get wordDocs(): Map<string, number> {
    return this.docs.get();
  }
  set wordDocs(m: Map<string, number>) {
    this.docs = lazy(m);
  }
  get indexWord(): Map<number, string> {
    return this.words.get();
  }
  set indexWord(m: Map<number, string>) {
    this.words = lazy(m);
  }
  get indexDocs(): Map<number, number> {
    return this.indexedDocs.get();
  }
  set indexDocs(m: Map<number, number>) {
    this.indexedDocs = lazy(m);
  }
  private readonly filterSet: Set<string>;

  constructor(options: TokenizerOptions = {}) {
    this.numWords = options.numWords ?? null;
    this.filters = options.filters ?? SEED_FILTERS;
    this.lower = options.lower ?? true;
    this.split = options.split ?? ' ';
    this.charLevel = options.charLevel ?? false;
    this.oovToken = options.oovToken ?? null;
    if (this.charLevel) throw new Error('char_level tokenizers are not supported');
    this.filterSet = new Set(this.filters);
  }

  /** keras_preprocessing.text.text_to_word_sequence with this tokenizer's settings. */
  wordSequence(text: string): string[] {
    const lowered = this.lower ? text.toLowerCase() : text;
    let mapped = '';
    for (const ch of lowered) mapped += this.filterSet.has(ch) ? this.split : ch;
    return mapped.split(this.split).filter((w) => w.length > 0);
  }

  fitOnTexts(texts: Iterable<string>): this {
    for (const text of texts) {
      this.documentCount += 1;
      const seq = this.wordSequence(text);
      for (const w of seq) this.wordCounts.set(w, (this.wordCounts.get(w) ?? 0) + 1);
      for (const w of new Set(seq)) this.wordDocs.set(w, (this.wordDocs.get(w) ?? 0) + 1);
    }
    // Array.prototype.sort is stable, as Python's sort: equal counts keep first-seen order.
    const sorted = [...this.wordCounts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
    const vocab = this.oovToken === null ? sorted : [this.oovToken, ...sorted];
    this.wordIndex = new Map(vocab.map((w, i) => [w, i + 1]));
    this.indexWord = new Map(vocab.map((w, i) => [i + 1, w]));
    this.indexDocs = new Map();
    for (const [w, c] of this.wordDocs) {
      const idx = this.wordIndex.get(w);
      if (idx !== undefined) this.indexDocs.set(idx, c);
    }
    return this;
  }

  /** Indices of the known words; words at or past `num_words` are dropped (or mapped to the OOV token). */
  textToSequence(text: string): number[] {
    const out: number[] = [];
    const oovIndex = this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
    for (const w of this.wordSequence(text)) {
      const i = this.wordIndex.get(w);
      if (i !== undefined && (this.numWords === null || i < this.numWords)) out.push(i);
      else if (oovIndex !== undefined) out.push(oovIndex);
    }
    return out;
  }

  /** Number of embedding rows a model needs for this tokenizer's indices. */
  get vocabularySize(): number {
    const all = this.wordIndex.size + 1;
    return this.numWords === null ? all : Math.min(this.numWords, all);
  }

  /**
   * The same tokenizer as answering needs it: the words it can index (below `num_words`) and its
   * settings, without the counts fitting kept (Keras' JSON keeps them as empty dictionaries). Every text
   * gets the same sequence, from a file a fraction the size: a word past the cut was already dropped or
   * out of vocabulary.
   */
  compact(): Tokenizer {
    const out = new Tokenizer({
      numWords: this.numWords,
      filters: this.filters,
      lower: this.lower,
      split: this.split,
      charLevel: this.charLevel,
      oovToken: this.oovToken,
    });
    out.documentCount = this.documentCount;
    for (const [w, i] of this.wordIndex) if (this.numWords === null || i < this.numWords) out.wordIndex.set(w, i);
    return out;
  }

  toKerasJson(): KerasTokenizerJson {
    return {
      class_name: 'Tokenizer',
      config: {
        num_words: this.numWords,
        filters: this.filters,
        lower: this.lower,
        split: this.split,
        char_level: this.charLevel,
        oov_token: this.oovToken,
        document_count: this.documentCount,
        word_counts: pythonJsonDumps(this.wordCounts),
        word_docs: pythonJsonDumps(this.wordDocs),
        index_docs: pythonJsonDumps(this.indexDocs),
        index_word: pythonJsonDumps(this.indexWord),
        word_index: pythonJsonDumps(this.wordIndex),
      },
    };
  }

  /** The text Keras' `tokenizer.to_json()` returns. */
  toJsonString(): string {
    return pythonJsonDumps(this.toKerasJson());
  }

  static fromKerasJson(json: KerasTokenizerJson | string): Tokenizer {
    const parsed: unknown = typeof json === 'string' ? JSON.parse(json) : json;
    if (!isTokenizerJson(parsed))
      throw new Error('not a Keras tokenizer JSON (expected class_name "Tokenizer" and a config)');
    const c = parsed.config;
    const tok = new Tokenizer({
      numWords: c.num_words,
      filters: c.filters,
      lower: c.lower,
      split: c.split,
      charLevel: c.char_level,
      oovToken: c.oov_token,
    });
    tok.documentCount = c.document_count;
    tok.wordIndex = parseCounts(c.word_index, 'word_index');
    tok.counts = lazy(() => parseCounts(c.word_counts, 'word_counts'));
    tok.docs = lazy(() => parseCounts(c.word_docs, 'word_docs'));
    tok.words = lazy(
      () => new Map(Object.entries(parseDict<string>(c.index_word, 'index_word')).map(([k, v]) => [Number(k), v])),
    );
    tok.indexedDocs = lazy(
      () => new Map(Array.from(parseCounts(c.index_docs, 'index_docs'), ([k, v]) => [Number(k), v])),
    );
    return tok;
  }
}

/** A value, or how to make it when first asked. */
function lazy<T>(value: T | (() => T)): { get(): T } {
  let made = typeof value !== 'function';
  let v = value;
  return {
    get() {
      if (!made) {
        v = (v as () => T)();
        made = true;
      }
      return v as T;
    },
  };
}

function objectToMap<V>(o: Record<string, V>): Map<string, V> {
  // Not new Map(Object.entries(o)): that builds an array per word, twice the time for 100,000 words.
  const m = new Map<string, V>();
  for (const k of Object.keys(o)) m.set(k, o[k]);
  return m;
}

/** A dictionary of words to counts or indices; a scan of the text where it has the plain form Python writes. */
function parseCounts(field: string | Record<string, number>, name: string): Map<string, number> {
  return (typeof field === 'string' ? scanWordNumbers(field) : null) ?? objectToMap(parseDict(field, name));
}

/**
 * `{"word": 12, ...}` read straight into a Map: 3–4 times faster than JSON.parse and a copy for the
 * 100,000 words of a vectors member, whose five fold tokenizers a cold `predict` of `best` reads. Null
 * for anything but string keys and whole numbers (JSON.parse then reads it, or says what is wrong).
 */
export function scanWordNumbers(s: string): Map<string, number> | null {
  const m = new Map<string, number>();
  const n = s.length;
  const space = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;
  let i = 0;
  while (i < n && space(s.charCodeAt(i))) i++;
  if (s.charCodeAt(i++) !== 123) return null; // {
  for (;;) {
    while (i < n && space(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) === 125) return m.size === 0 ? trailing(s, i + 1, m) : null; // } right after {
    if (s.charCodeAt(i) !== 34) return null; // "
    let j = i + 1;
    let escaped = false;
    for (;;) {
      if (j >= n) return null;
      const c = s.charCodeAt(j);
      if (c === 92) {
        escaped = true;
        j += 2;
      } else if (c === 34) break;
      else if (c < 32) return null;
      else j++;
    }
    let key: string;
    try {
      key = escaped ? (JSON.parse(s.slice(i, j + 1)) as string) : s.slice(i + 1, j);
    } catch {
      return null;
    }
    i = j + 1;
    while (i < n && space(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i++) !== 58) return null; // :
    while (i < n && space(s.charCodeAt(i))) i++;
    const start = i;
    let v = 0;
    for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) v = v * 10 + (c - 48);
    // A leading zero, or more digits than a double holds exactly, is for JSON.parse to judge.
    if (i === start || i - start > 15 || (s.charCodeAt(start) === 48 && i - start > 1)) return null;
    if (m.has(key)) return null; // JSON.parse keeps the last; the position would differ
    m.set(key, v);
    while (i < n && space(s.charCodeAt(i))) i++;
    const c = s.charCodeAt(i++);
    if (c === 125) return trailing(s, i, m);
    if (c !== 44) return null; // ,
  }
}

function trailing(s: string, from: number, m: Map<string, number>): Map<string, number> | null {
  return s.slice(from).trim() === '' ? m : null;
}

function parseDict<V = number>(field: string | Record<string, V>, name: string): Record<string, V> {
  // Keras writes these as JSON strings inside the JSON; accept already-parsed objects too.
  const v: unknown = typeof field === 'string' ? JSON.parse(field) : field;
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new Error(`tokenizer field ${name} is not a dictionary`);
  return v as Record<string, V>;
}

function isTokenizerJson(v: unknown): v is KerasTokenizerJson {
  if (v === null || typeof v !== 'object') return false;
  const o = v as { class_name?: unknown; config?: unknown };
  return o.class_name === 'Tokenizer' && typeof o.config === 'object' && o.config !== null;
}
