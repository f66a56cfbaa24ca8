/**
 * Replaces a whole directory so that readers find the old complete one or the new complete one,
 * never a mix: the new one is staged in a hidden sibling (`.NAME.new`), marked complete, then swapped
 * in with two renames. A process killed between the renames leaves `.NAME.new` complete and NAME
 * missing; `recoverDirectory` (run before every read and write) finishes the swap, and drops a
 * staging directory that never got its mark. It leaves them alone while a live writer holds the
 * directory's lock (lock.ts): that writer is mid-save.
 */
import { rmSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../errors.ts';
import { heldByOther } from './lock.ts';

const staged = (dir: string) => join(dirname(dir), `.${basename(dir)}.new`);
const retired = (dir: string) => join(dirname(dir), `.${basename(dir)}.old`);
/** Written last into a staging directory: it is whole. */
const COMPLETE = '.complete';

/** Staging or retired directories, locks and temporary files of interrupted writes. */
const isLeftover = (name: string) => /^\..*\.(new|old|tmp|lock)$/.test(name) || name === COMPLETE;

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/**
 * Finishes a swap a killed process left halfway, and drops leftovers of one that never got that far.
 * With a live writer at work it touches nothing, and waits a moment for NAME if it is mid-swap.
 */
export async function recoverDirectory(dir: string): Promise<void> {
  if (await heldByOther(dir)) {
    for (let i = 0; i < 40 && !(await exists(dir)) && (await exists(staged(dir))); i++) await sleep(50);
    return;
  }
  const [hasDir, hasNew, hasOld] = await Promise.all([exists(dir), exists(staged(dir)), exists(retired(dir))]);
  if (!hasDir && hasNew && (await exists(join(staged(dir), COMPLETE)))) {
    await rename(staged(dir), dir);
    await rm(join(dir, COMPLETE), { force: true });
  } else {
    if (hasNew) await rm(staged(dir), { recursive: true, force: true });
    // An unmarked stage is never swapped in, so NAME missing beside `.old` means someone removed
    // NAME by hand mid-swap: the retired copy is the last whole one.
    if (!hasDir && hasOld) await rename(retired(dir), dir);
  }
  await rm(retired(dir), { recursive: true, force: true });
}

export interface ReplaceOptions {
  /** Which entries of the old directory to carry into the new one when the writer did not write them (default: none). */
  keep?: (entry: string) => boolean;
}

/** Called by a writer after each file it stages: lets a caller watch (or, in tests, slow) a save. */
export type StagedHook = (file: string) => Promise<void> | void;

/** Writes a new version of `dir` through `write(stagingDir)` and swaps it in. */
export async function replaceDirectory(
  dir: string,
  write: (staging: string) => Promise<void>,
  opts: ReplaceOptions = {},
): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  await recoverDirectory(dir);
  const stage = staged(dir);
  // recoverDirectory dropped any stage a dead writer left: one still there is a live writer's.
  await mkdir(stage).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
    const other = await heldByOther(dir);
    const who = other ? `process ${other.pid} on ${other.host}` : 'another process';
    throw new InputError(
      `${who} is saving this directory (its staging directory ${stage} exists); wait for it to finish`,
      { file: dir },
    );
  });
  // A process that leaves at once (a second Ctrl-C) drops a stage it had not finished.
  let finished = false;
  const dropStage = () => {
    if (!finished) rmSync(stage, { recursive: true, force: true });
  };
  process.on('exit', dropStage);
  try {
    await write(stage);
    const keep = opts.keep;
    if (keep && (await exists(dir))) {
      const written = new Set(await readdir(stage));
      for (const entry of await readdir(dir)) {
        if (!written.has(entry) && !isLeftover(entry) && keep(entry))
          await cp(join(dir, entry), join(stage, entry), { recursive: true, preserveTimestamps: true });
      }
    }
    await writeFile(join(stage, COMPLETE), '');
    finished = true;
  } catch (err) {
    await rm(stage, { recursive: true, force: true });
    throw err;
  } finally {
    process.off('exit', dropStage);
  }
  await rm(retired(dir), { recursive: true, force: true });
  if (await exists(dir)) await rename(dir, retired(dir));
  await rename(stage, dir);
  await rm(join(dir, COMPLETE), { force: true });
  await rm(retired(dir), { recursive: true, force: true });
}
