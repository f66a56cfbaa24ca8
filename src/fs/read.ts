/** Reading the files a user points at: each failure becomes an InputError naming the file. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { checkSize, LIMITS } from './limits.ts';

/** Throws an InputError naming `path` when it is missing, a directory or unreadable; `kind` says what was expected. */
export async function checkInputFile(path: string, kind: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) throw new InputError(`is a directory, expected a ${kind}`, { file: path });
  } catch (err) {
    throw asInputError(err, path);
  }
}

/** Node's file errors as the one-line InputError the CLI prints; `missing` words a file that is not there. */
export function asInputError(err: unknown, path: string, missing = 'no such file'): InputError {
  if (err instanceof InputError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(missing, { file: path });
  if (code === 'EISDIR') return new InputError('is a directory, expected a file', { file: path });
  return new InputError(`cannot read: ${(err as Error).message}`, { file: path });
}

const handed = new AsyncLocalStorage<Map<string, Buffer>>();

/**
 * Runs `fn` with files already read (and checked: a model directory's, against meta.json) handed to
 * readBinaryFile instead of read again, each once: a cold start reads every byte once.
 */
export function withBytesRead<T>(files: ReadonlyMap<string, Buffer>, fn: () => Promise<T>): Promise<T> {
  return handed.run(new Map([...files].map(([path, bytes]) => [resolve(path), bytes])), fn);
}

/** A file a model directory or a checkpoint should hold ('missing' when it does not). */
export async function readBinaryFile(path: string): Promise<Buffer> {
  const store = handed.getStore();
  const bytes = store?.get(resolve(path));
  if (store && bytes) {
    store.delete(resolve(path));
    return bytes;
  }
  try {
    return await readFile(path);
  } catch (err) {
    throw asInputError(err, path, 'missing');
  }
}

/** A text record read whole (a tokenizer, a history): refused past LIMITS.json. */
export async function readTextFile(path: string): Promise<string> {
  await checkSize(path, LIMITS.json, 'JSON file').catch((err: unknown) => {
    throw asInputError(err, path, 'missing');
  });
  return (await readBinaryFile(path)).toString('utf8');
}

/** A JSON file, refused past LIMITS.json (read whole). */
export async function readJsonFile<T>(path: string): Promise<T> {
  const text = await readTextFile(path);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new InputError(`is not valid JSON (${(err as Error).message})`, { file: path });
  }
}
