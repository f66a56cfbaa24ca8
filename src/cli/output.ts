/**
 * Standard output as a pipe expects it: a writer waits when the reader is slow (memory stays flat
 * however much is printed), and a reader that goes away (`| head -1`) ends the command quietly with
 * 141, as a SIGPIPE would, instead of a stack trace. A failed write (a full disk) is one error line.
 */

/** The exit code of a command whose output pipe closed (128 + SIGPIPE). */
export const CLOSED_PIPE_EXIT = 141;
/** The path a failed write to standard output names (a full disk behind `> file`). */
export const STDOUT_NAME = 'standard output';

let closed = false;
let failure: NodeJS.ErrnoException | null = null;
const listeners: (() => void)[] = [];

/** Watches stdout for a closed pipe or a failed write; `onEnd` runs once when either happens (train stops after its batch). */
export function watchStdout(onEnd?: () => void): void {
  if (onEnd) listeners.push(onEnd);
  // Others may listen too (worker threads' stdio does): check for this listener, not for any.
  if (process.stdout.listeners('error').includes(outputFailed)) return;
  process.stdout.on('error', outputFailed);
}

function outputFailed(err: NodeJS.ErrnoException): void {
  if (closed || failure) return;
  if (err.code === 'EPIPE') {
    closed = true;
    process.exitCode = CLOSED_PIPE_EXIT;
    if (listeners.length === 0) process.exit(CLOSED_PIPE_EXIT);
  } else {
    failure = Object.assign(err, { path: STDOUT_NAME });
  }
  for (const l of listeners) l();
}

export function stdoutClosed(): boolean {
  return closed;
}

/** The error a write to stdout met (ENOSPC, EIO), if one did: the command reports it once it has stopped. */
export function stdoutFailure(): NodeJS.ErrnoException | null {
  return failure;
}

/** Writes `text`; when the pipe is full, resolves once it has drained. Nothing is written after it closed; a failed write rejects. */
export async function writeOut(text: string): Promise<void> {
  if (closed) return;
  if (failure) throw failure;
  let flowing: boolean;
  try {
    flowing = process.stdout.write(text);
  } catch (err) {
    // A file or device on stdout is written synchronously: its errors are thrown, not emitted.
    outputFailed(err as NodeJS.ErrnoException);
    if (failure) throw failure;
    return;
  }
  if (!flowing) await drainedOrClosed(process.stdout);
  if (failure) throw failure;
}

/** Resolves when `stream` drains, closes or fails, leaving no listener behind (a slow reader makes thousands of waits). */
function drainedOrClosed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error']) stream.on(event, done);
  });
}

/** A line for the user that must not fail when stdout is gone (training's progress). */
export function writeLine(line: string): void {
  if (closed || failure) return;
  try {
    process.stdout.write(`${line}\n`);
  } catch (err) {
    outputFailed(err as NodeJS.ErrnoException);
  }
}
