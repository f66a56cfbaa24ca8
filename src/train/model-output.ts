/** The model directory a run writes: checked, locked for the run, and removed again if it was new and stayed empty. */
import { rmdir, stat } from 'node:fs/promises';
import { lockDirectory } from '../fs/lock.ts';
import { checkOutputDirectory } from '../fs/output-dir.ts';
import { isModelEntry } from '../model/directory.ts';

/**
 * Runs `work` with `out` checked, resolved (a link followed) and locked for this process; a new
 * directory left empty by a run that saved nothing is removed again.
 */
export async function withModelOutput<T>(given: string, work: (out: string) => Promise<T>): Promise<T> {
  const out = await checkOutputDirectory(given, 'out', isModelEntry);
  const existed = (await stat(out).catch(() => null)) !== null;
  const release = await lockDirectory(out, 'out');
  try {
    return await work(out);
  } finally {
    await release();
    if (!existed) await rmdir(out).catch(() => undefined);
  }
}
