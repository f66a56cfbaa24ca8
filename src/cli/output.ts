/**
 * Standard output as a pipe expects it: a writer waits when the reader is slow (memory stays flat
 * however much is printed), and a reader that goes away (`| head -1`) ends the command quietly with
 * 141, as a SIGPIPE would, instead of a stack trace.
 */
import { once } from 'node:events';

/** The exit code of a command whose output pipe closed (128 + SIGPIPE). */
export const CLOSED_PIPE_EXIT = 141;

let closed = false;
const listeners: (() => void)[] = [];

/** Watches stdout for a closed pipe; `onClose` runs once when it closes (train stops after its batch). */
export function watchStdout(onClose?: () => void): void {
  if (onClose) listeners.push(onClose);
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (closed) return;
    closed = true;
    process.exitCode = CLOSED_PIPE_EXIT;
    if (listeners.length === 0) process.exit(CLOSED_PIPE_EXIT);
    for (const l of listeners) l();
  });
}

export function stdoutClosed(): boolean {
  return closed;
}

/** Writes `text`; when the pipe is full, resolves once it has drained. Nothing is written after it closed. */
export async function writeOut(text: string): Promise<void> {
  if (closed) return;
  if (!process.stdout.write(text)) await Promise.race([once(process.stdout, 'drain'), once(process.stdout, 'close')]);
}

/** A line for the user that must not fail when stdout is gone (training's progress). */
export function writeLine(line: string): void {
  if (!closed) process.stdout.write(`${line}\n`);
}
