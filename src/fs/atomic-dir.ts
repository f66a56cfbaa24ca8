/**
 * Replaces a whole directory so that readers find the old complete one or the new complete one,
 * never a mix: the new one is staged in a hidden sibling (`.NAME.new`), then swapped in with two
 * renames. A process killed between the renames leaves `.NAME.new` complete and NAME missing;
 * `recoverDirectory` (run before every read and write) finishes the swap.
 */
import { cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const staged = (dir: string) => join(dirname(dir), `.${basename(dir)}.new`);
const retired = (dir: string) => join(dirname(dir), `.${basename(dir)}.old`);

/** Staging or retired directories and temporary files of interrupted writes. */
const isLeftover = (name: string) => /^\..*\.(new|old|tmp)$/.test(name);

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/** Finishes a swap a killed process left halfway, and drops leftovers of one that never got that far. */
export async function recoverDirectory(dir: string): Promise<void> {
  const [hasDir, hasNew] = await Promise.all([exists(dir), exists(staged(dir))]);
  // `.new` is only ever renamed into place after it is complete, and NAME is only missing in that window.
  if (!hasDir && hasNew) await rename(staged(dir), dir);
  else if (hasNew) await rm(staged(dir), { recursive: true, force: true });
  await rm(retired(dir), { recursive: true, force: true });
}

export interface ReplaceOptions {
  /** Entries of the old directory to carry into the new one when the writer did not write them (checkpoints, plots, the user's files). */
  keepOthers?: boolean;
}

/** Called by a writer after each file it stages: lets a caller watch (or, in tests, slow) a save. */
export type StagedHook = (file: string) => Promise<void> | void;

/** Writes a new version of `dir` through `write(stagingDir)` and swaps it in. */
export async function replaceDirectory(dir: string, write: (staging: string) => Promise<void>, opts: ReplaceOptions = {}): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  await recoverDirectory(dir);
  const stage = staged(dir);
  await mkdir(stage);
  try {
    await write(stage);
    if (opts.keepOthers && (await exists(dir))) {
      const written = new Set(await readdir(stage));
      for (const entry of await readdir(dir)) {
        if (!written.has(entry) && !isLeftover(entry)) await cp(join(dir, entry), join(stage, entry), { recursive: true, preserveTimestamps: true });
      }
    }
  } catch (err) {
    await rm(stage, { recursive: true, force: true });
    throw err;
  }
  if (await exists(dir)) await rename(dir, retired(dir));
  await rename(stage, dir);
  await rm(retired(dir), { recursive: true, force: true });
}
