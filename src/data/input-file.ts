/** The checks every input file gets before it is read: there, and a file rather than a directory. */
import { stat } from 'node:fs/promises';
import { InputError } from './errors.ts';

/** Throws an InputError naming `path` when it is missing, a directory or unreadable; `kind` says what was expected. */
export async function checkInputFile(path: string, kind: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) throw new InputError(`is a directory, expected a ${kind}`, { file: path });
  } catch (err) {
    throw asInputError(err, path);
  }
}

/** Node's file errors as the one-line InputError the CLI prints. */
export function asInputError(err: unknown, path: string): InputError {
  if (err instanceof InputError) return err;
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new InputError('no such file', { file: path });
  return new InputError(`cannot read: ${(err as Error).message}`, { file: path });
}
