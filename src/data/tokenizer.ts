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

/** Every character of `filters` (code points, as Python iterates a str) as one regex class. */
function filterPattern(filters: string): RegExp {
  const chars = [...new Set(filters)].map((c) => c.replace(/[\\\][^-]/g, '\\$&')).join('');
  return new RegExp(`[${chars}]`, 'gu');
}

export class Tokenizer {
  readonly numWords: number | null;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly charLevel: boolean;
  readonly oovToken: string | null;
  documentCount = 0;
  /**
   * A loaded tokenizer's word_index text until its Map is built (null then): the first words asked are
   * found in it (indexOf), so a cold predict of a few texts never builds 100,000 entries.
   */
  private indexText: IndexText | null = null;
  private index = lazy(new Map<string, number>());
  /** Insertion-ordered, as Python's OrderedDict. */
  get wordIndex(): Map<string, number> {
    this.indexText = null;
    return this.index.get();
  }
  set wordIndex(m: Map<string, number>) {
    this.indexText = null;
    this.index = lazy(m);
  }
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
  /** The filters as one regex class: a text is split in one pass of the engine's regex. */
  private readonly filterPattern: RegExp;

  constructor(options: TokenizerOptions = {}) {
    this.numWords = options.numWords ?? null;
    this.filters = options.filters ?? SEED_FILTERS;
    this.lower = options.lower ?? true;
    this.split = options.split ?? ' ';
    this.charLevel = options.charLevel ?? false;
    this.oovToken = options.oovToken ?? null;
    if (this.charLevel) throw new Error('char_level tokenizers are not supported');
    this.filterPattern = filterPattern(this.filters);
  }

  /** keras_preprocessing.text.text_to_word_sequence with this tokenizer's settings. */
  wordSequence(text: string): string[] {
    const lowered = this.lower ? text.toLowerCase() : text;
    return lowered
      .replace(this.filterPattern, () => this.split)
      .split(this.split)
      .filter((w) => w.length > 0);
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

  /**
   * `count` distinct words are about to be looked up: past the few a loaded tokenizer finds in its text,
   * the index is built at the first, not after a search of the text for each of the first few (~2 ms each).
   */
  expectLookups(count: number): void {
    if (this.indexText !== null && this.indexText.found.size + count > SEARCHED_WORDS) this.indexText = null;
  }

  /** The index word_index gives `word` (undefined: none), whether or not it is past `num_words`. */
  indexOf(word: string): number | undefined {
    const text = this.indexText;
    if (text === null) return this.index.get().get(word);
    const known = text.found.get(word);
    if (known !== undefined || text.found.has(word)) return known;
    // Past a few words (a file of texts), the Map pays for itself.
    if (text.found.size >= SEARCHED_WORDS || !text.searchable || !PLAIN_WORD.test(word))
      return this.wordIndex.get(word);
    const i = findWordNumber(text.text, word);
    text.found.set(word, i);
    return i;
  }

  /** The largest index word_index gives, and its first entry that is not a whole number from 1 (null: none). */
  indexRange(): { largest: number; invalid: [string, number] | null } {
    if (this.indexText !== null) return { largest: this.indexText.largest, invalid: null };
    let largest = 0;
    for (const [word, index] of this.wordIndex) {
      if (!Number.isInteger(index) || index < 1) return { largest, invalid: [word, index] };
      largest = Math.max(largest, index);
    }
    return { largest, invalid: null };
  }

  /** Indices of the known words; words at or past `num_words` are dropped (or mapped to the OOV token). */
  textToSequence(text: string): number[] {
    const out: number[] = [];
    for (const w of this.wordSequence(text)) {
      const token = this.tokenOf(w);
      if (token !== null) out.push(token);
    }
    return out;
  }

  /** What `word` (of wordSequence) becomes in a sequence: its index, else the OOV token's; null: left out. */
  tokenOf(word: string): number | null {
    const i = this.indexOf(word);
    if (i !== undefined && (this.numWords === null || i < this.numWords)) return i;
    return this.oovToken === null ? null : (this.indexOf(this.oovToken) ?? null);
  }

  /** The settings wordSequence reads: tokenizers with the same key split every text alike. */
  get splitKey(): string {
    return JSON.stringify([this.filters, this.lower, this.split]);
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

  /**
   * `known`: what wordIndexFacts learned of this very word_index when it was saved (a model directory's
   * meta.json keeps it with the file's sha256): the pass over its 100,000 words is not made again.
   */
  static fromKerasJson(json: KerasTokenizerJson | string, known: WordIndexFacts | null = null): Tokenizer {
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
    const wi = c.word_index;
    const facts = typeof wi === 'string' ? (known ?? wordIndexFacts(wi)) : null;
    if (typeof wi === 'string' && facts) {
      tok.index = lazy(() => parseCounts(wi, 'word_index'));
      tok.indexText = { text: wi, ...facts, found: new Map() };
    } else tok.wordIndex = parseCounts(wi, 'word_index');
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
  const read = walkWordNumbers(s, (from, to, escaped, value) => {
    let key: string;
    try {
      key = escaped ? (JSON.parse(s.slice(from, to + 1)) as string) : s.slice(from + 1, to);
    } catch {
      return false;
    }
    if (m.has(key)) return false; // JSON.parse keeps the last; the position would differ
    m.set(key, value);
    return true;
  });
  return read ? m : null;
}

/** What a first pass over a word_index text in the plain form learns of it. */
export interface WordIndexFacts {
  largest: number;
  /** No escape in it spells a character a PLAIN_WORD holds: each such word is written as itself. */
  searchable: boolean;
}

/** word_index's text while no Map is built: what a first pass learned of it, and the words found so far. */
interface IndexText extends WordIndexFacts {
  text: string;
  found: Map<string, number | undefined>;
}

/**
 * The facts of a tokenizer JSON text's word_index, or null where it is not in the plain form (or the
 * text is not a tokenizer's): what a saved model records, so that loading it skips the pass.
 */
export function tokenizerJsonFacts(text: string): WordIndexFacts | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const wi = isTokenizerJson(parsed) ? parsed.config.word_index : null;
  return typeof wi === 'string' ? wordIndexFacts(wi) : null;
}

/**
 * Distinct words found by search before the Map is built. A search reads the whole text (~1 ms for
 * 100,000 words), the Map costs ~50: a typed text's words are found, a file's pay at most 16 searches.
 */
const SEARCHED_WORDS = 16;
/**
 * Words searched for in the text: printable ASCII without a quote, a backslash or a colon. After an
 * unescaped quote such a word can only start a key, never follow one, and its JSON is itself.
 */
const PLAIN_WORD = /^[\x21\x23-\x39\x3b-\x5b\x5d-\x7e]+$/;

/**
 * What indexOf needs of a word_index text in the plain form (null for any other, or an index below 1:
 * the Map is built at once, as before): its largest index, and whether each plain word is written as
 * itself. One pass over the characters, no string made.
 */
function wordIndexFacts(s: string): WordIndexFacts | null {
  let largest = 0;
  let searchable = true;
  const read = walkWordNumbers(s, (from, to, escaped, value) => {
    if (value < 1) return false;
    if (value > largest) largest = value;
    if (escaped && searchable) searchable = !spellsPlainCharacter(s, from + 1, to);
    return true;
  });
  return read ? { largest, searchable } : null;
}

/** Whether an escape in s[from, to) (a key's body, escapes valid) spells a character a PLAIN_WORD may hold. */
function spellsPlainCharacter(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (s.charCodeAt(i) !== 92) continue;
    const e = s.charCodeAt(i + 1);
    if (e === 47) return true; // \/
    if (e === 117) {
      const c = Number.parseInt(s.slice(i + 2, i + 6), 16);
      if (c > 32 && c < 127 && c !== 34 && c !== 92 && c !== 58) return true;
      i += 5;
    } else i += 1;
  }
  return false;
}

/**
 * The number the last `"word": N` of a plain-form word_index text gives (JSON.parse keeps the last of a
 * repeated key), or undefined. `word` is a PLAIN_WORD: a match preceded by `{` or `,` is a key.
 */
function findWordNumber(s: string, word: string): number | undefined {
  const needle = `"${word}"`;
  let value: number | undefined;
  for (let at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + 1)) {
    let i = at - 1;
    while (i >= 0 && isSpace(s.charCodeAt(i))) i--;
    if (s.charCodeAt(i) !== 123 && s.charCodeAt(i) !== 44) continue;
    let j = at + needle.length;
    while (isSpace(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j++) !== 58) continue;
    while (isSpace(s.charCodeAt(j))) j++;
    let v = 0;
    for (let c = s.charCodeAt(j); c >= 48 && c <= 57; c = s.charCodeAt(++j)) v = v * 10 + (c - 48);
    value = v;
  }
  return value;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * The entries of `{"word": 12, ...}` in the plain form Python writes (string keys, whole numbers), each
 * handed to `entry` as its key's quotes' positions, whether the key holds an escape, and the number.
 * False for any other form, or when `entry` says so.
 */
function walkWordNumbers(
  s: string,
  entry: (from: number, to: number, escaped: boolean, value: number) => boolean,
): boolean {
  const n = s.length;
  let i = 0;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  if (s.charCodeAt(i++) !== 123) return false; // {
  for (let entries = 0; ; entries++) {
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) === 125) return entries === 0 && blankFrom(s, i + 1); // } right after {
    if (s.charCodeAt(i) !== 34) return false; // "
    let j = i + 1;
    let escaped = false;
    for (;;) {
      if (j >= n) return false;
      const c = s.charCodeAt(j);
      if (c === 92) {
        escaped = true;
        const e = s.charCodeAt(j + 1);
        if (e === 117) {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) return false;
          j += 6;
        } else if (ESCAPES.has(e)) j += 2;
        else return false;
      } else if (c === 34) break;
      else if (c < 32) return false;
      else j++;
    }
    const [from, to] = [i, j];
    i = j + 1;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i++) !== 58) return false; // :
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    const start = i;
    let v = 0;
    for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) v = v * 10 + (c - 48);
    // A leading zero, or more digits than a double holds exactly, is for JSON.parse to judge.
    if (i === start || i - start > 15 || (s.charCodeAt(start) === 48 && i - start > 1)) return false;
    if (!entry(from, to, escaped, v)) return false;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    const c = s.charCodeAt(i++);
    if (c === 125) return blankFrom(s, i);
    if (c !== 44) return false; // ,
  }
}

/** The characters JSON allows after a backslash, but for u: " \ / b f n r t. */
const ESCAPES = new Set([34, 92, 47, 98, 102, 110, 114, 116]);

function blankFrom(s: string, from: number): boolean {
  return s.slice(from).trim() === '';
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
