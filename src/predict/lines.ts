/** One text per line from a file or standard input, read as a stream in chunks (a large file never sits in memory whole). */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { checkInputFile } from '../fs/read.ts';

export interface TextLine {
  text: string;
  /** 1-based line number. */
  line: number;
}

const STDIN = '-';

/** Yields the lines of `path` ('-' for stdin) in chunks of at most `chunkSize`; a BOM and CR line ends are dropped. */
export async function* readTextLines(path: string, chunkSize: number, stdin: Readable = process.stdin): AsyncGenerator<TextLine[]> {
  if (path !== STDIN) await checkInputFile(path, 'text file');
  const input = path === STDIN ? stdin : createReadStream(path, { encoding: 'utf8' });
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
