/**
 * The most this tool reads whole into memory. Files under a limit are read at once; larger ones are
 * refused with one line naming the file and the limit (never a crash: V8 cannot hold a string over
 * about 512 MB, and a gzip bomb must not inflate without end). Word vectors and text files are
 * streamed, a line at a time, and refuse a line beyond LINE.
 */
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { InputError } from '../errors.ts';

const MB = 1024 * 1024;

export const LIMITS = {
  /** A data file (TSV, CSV, JSON Lines), after gunzip: it is parsed whole. */
  data: 400 * MB,
  /** A JSON record of a model directory, a checkpoint or a history (model.json, tokenizer.json, meta.json, …). */
  json: 256 * MB,
  /** The phrase memory after gunzip. */
  memory: 256 * MB,
  /** One line of a streamed text file (texts to classify, word vectors). */
  line: 16 * MB,
} as const;

const inMb = (bytes: number) => `${Math.round(bytes / MB)} MB`;

/** Refuses `path` when it holds more than `limit` bytes; `what` names the kind of file. */
export async function checkSize(path: string, limit: number, what: string): Promise<void> {
  const { size } = await stat(path);
  if (size > limit)
    throw new InputError(`is ${inMb(size)}, more than the ${inMb(limit)} a ${what} may hold here`, { file: path });
}

const inflate = promisify(gunzip);

/**
 * Output a thread-pool trip at a time. zlib's default, 16 KB, makes a 6 MB phrase memory 385 trips
 * between the pool and the main thread: 66 ms against 11 with this (gunzipSync: 13).
 */
const INFLATE_CHUNK = 1 << 20;

/**
 * gzip data inflated, refused past `limit` bytes (a small file can inflate to gigabytes). On Node's
 * thread pool: a cold start hashes its other files meanwhile.
 */
export async function gunzipWithin(bytes: Buffer, limit: number, path: string): Promise<Buffer> {
  try {
    return await inflate(bytes, { maxOutputLength: limit, chunkSize: INFLATE_CHUNK });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
      throw new InputError(`inflates to more than ${inMb(limit)}, more than this tool reads`, { file: path });
    throw new InputError(`is not valid gzip data (${(err as Error).message})`, { file: path });
  }
}

/** Fails a stream's reader with one line when a line grows past `limit` characters. */
export function lineTooLong(path: string, line: number, limit = LIMITS.line): InputError {
  return new InputError(`has a line longer than ${inMb(limit)} (no line break?): not a text file this tool reads`, {
    file: path,
    line,
  });
}
