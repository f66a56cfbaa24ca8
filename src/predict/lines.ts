/** One text per line from a file or standard input, read as a stream in chunks (a large file never sits in memory whole). */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { InputError } from '../data/errors.ts';

export interface TextLine {
  text: string;
  /** 1-based line number. */
  line: number;
}

export const STDIN = '-';

/** Yields the lines of `path` ('-' for stdin) in chunks of at most `chunkSize`; a BOM and CR line ends are dropped. */
export async function* readTextLines(path: string, chunkSize: number, stdin: Readable = process.stdin): AsyncGenerator<TextLine[]> {
  const input = path === STDIN ? stdin : await openFile(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let chunk: TextLine[] = [];
  let n = 0;
  for await (const raw of lines) {
    n += 1;
    chunk.push({ text: n === 1 ? raw.replace(/^\uFEFF/, '') : raw, line: n });
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

async function openFile(path: string): Promise<Readable> {
  try {
    if ((await stat(path)).isDirectory()) throw new InputError('is a directory, expected a text file', { file: path });
  } catch (err) {
    if (err instanceof InputError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError('no such file', { file: path });
    throw new InputError((err as Error).message, { file: path });
  }
  return createReadStream(path, { encoding: 'utf8' });
}
