/**
 * One writer per model directory: a lock file beside it (`.NAME.lock`, so that swapping the directory
 * leaves it alone) naming the process, host and start. A second writer is refused with who holds it;
 * a lock whose process is gone (same host, no such pid) is stale and taken over. Readers ask whether
 * a live writer holds it before touching a staging directory.
 */
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { SettingError } from '../errors.ts';

export interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

export const lockPath = (dir: string) => join(dirname(dir), `.${basename(dir)}.lock`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function owner(dir: string): Promise<LockOwner | null> {
  try {
    const o = JSON.parse(await readFile(lockPath(dir), 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string'
      ? { pid: o.pid, host: o.host, started: String(o.started ?? '?') }
      : null;
  } catch {
    return null;
  }
}

/** Another live process holds the lock (one on another host counts as live: it cannot be checked). */
export async function heldByOther(dir: string): Promise<LockOwner | null> {
  const o = await owner(dir);
  if (!o || (o.host === hostname() && (o.pid === process.pid || !alive(o.pid)))) return null;
  return o;
}

/** Takes the lock on `dir` for this process; `setting` names it in the refusal. Returns its release. */
export async function lockDirectory(dir: string, setting: string): Promise<() => Promise<void>> {
  await mkdir(dirname(dir), { recursive: true });
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath(dir), JSON.stringify(me), { flag: 'wx' });
      // A process that leaves at once (a second Ctrl-C) still gives the lock back.
      const releaseNow = () => rmSync(lockPath(dir), { force: true });
      process.on('exit', releaseNow);
      // Released in one step: a process that quits mid-release must not leave it half done.
      return async () => {
        releaseNow();
        process.off('exit', releaseNow);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const other = await heldByOther(dir);
      if (other) {
        throw new SettingError(
          setting,
          `is being written by process ${other.pid} on ${other.host} since ${other.started}; wait for it to finish (or, if that process is gone, remove ${lockPath(dir)})`,
          { given: dir },
        );
      }
      // Stale: its process is gone.
      await rm(lockPath(dir), { force: true });
    }
  }
  throw new SettingError(setting, `could not take the lock ${lockPath(dir)}`, { given: dir });
}
