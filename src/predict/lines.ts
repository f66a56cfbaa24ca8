/**
 * One text per line from a file or standard input, read as a stream in chunks (a large file never
 * sits in memory whole). The rules every command shares for text: UTF-8 strictly (a bad byte is an
 * error naming its line), a BOM and CR line ends dropped, blank lines skipped and counted, and an
 * input with no text at all an error.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.ts';
import { LIMITS, lineTooLong } from '../fs/limits.ts';
import { checkInputFile } from '../fs/read.ts';

export interface TextLine {
  text: string;
  /** 1-based line number. */
  line: number;
}

export interface LineChunk {
  lines: TextLine[];
  /** Blank lines skipped since the previous chunk. */
  blank: number;
}

const STDIN = '-';

/** Yields the non-blank lines of `path` ('-' for stdin) in chunks of at most `chunkSize`. */
export async function* readTextLines(
  path: string,
  chunkSize: number,
  stdin: Readable = process.stdin,
): AsyncGenerator<LineChunk> {
  const name = path === STDIN ? 'stdin' : path;
  if (path !== STDIN) await checkInputFile(path, 'text file');
  const input = path === STDIN ? stdin : createReadStream(path);
  // Without ignoreBOM the decoder drops a BOM at the start of each line it decodes (the file's first).
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lines: TextLine[] = [];
  let blank = 0;
  let n = 0;
  let texts = 0;
  let carry: Buffer = Buffer.alloc(0);
  const take = (bytes: Buffer): void => {
    n += 1;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new InputError('invalid UTF-8 (the input must be UTF-8 text)', { file: name, line: n });
    }
    text = text.replace(/\r$/, '');
    if (text.trim() === '') blank += 1;
    else {
      lines.push({ text, line: n });
      texts += 1;
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let buf = Buffer.concat([carry, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a)) {
      take(buf.subarray(0, nl));
      buf = buf.subarray(nl + 1);
      if (lines.length >= chunkSize) {
        yield { lines, blank };
        [lines, blank] = [[], 0];
      }
    }
    carry = buf;
    if (carry.length > LIMITS.line) throw lineTooLong(name, n + 1);
  }
  if (carry.length > 0) take(carry);
  if (texts === 0)
    throw new InputError(
      n === 0 ? 'the input is empty: no text to classify' : 'holds only blank lines: no text to classify',
      { file: name },
    );
  if (lines.length > 0 || blank > 0) yield { lines, blank };
}
