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
  wordCounts = new Map<string, number>();
  wordDocs = new Map<string, number>();
  wordIndex = new Map<string, number>();
  indexWord = new Map<number, string>();
  indexDocs = new Map<number, number>();
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
    if (!isTokenizerJson(parsed)) throw new Error('not a Keras tokenizer JSON (expected class_name "Tokenizer" and a config)');
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
    tok.wordCounts = objectToMap(parseDict(c.word_counts, 'word_counts'));
    tok.wordDocs = objectToMap(parseDict(c.word_docs, 'word_docs'));
    tok.wordIndex = objectToMap(parseDict(c.word_index, 'word_index'));
    tok.indexWord = new Map(Object.entries(parseDict<string>(c.index_word, 'index_word')).map(([k, v]) => [Number(k), v]));
    tok.indexDocs = new Map(Object.entries(parseDict<number>(c.index_docs, 'index_docs')).map(([k, v]) => [Number(k), v]));
    return tok;
  }
}

function objectToMap<V>(o: Record<string, V>): Map<string, V> {
  return new Map(Object.entries(o));
}

function parseDict<V = number>(field: string | Record<string, V>, name: string): Record<string, V> {
  // Keras writes these as JSON strings inside the JSON; accept already-parsed objects too.
  const v: unknown = typeof field === 'string' ? JSON.parse(field) : field;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`tokenizer field ${name} is not a dictionary`);
  return v as Record<string, V>;
}

function isTokenizerJson(v: unknown): v is KerasTokenizerJson {
  if (v === null || typeof v !== 'object') return false;
  const o = v as { class_name?: unknown; config?: unknown };
  return o.class_name === 'Tokenizer' && typeof o.config === 'object' && o.config !== null;
}
