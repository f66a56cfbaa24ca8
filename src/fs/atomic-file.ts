/** Writes a file through a temporary sibling and a rename, so readers never see half a file. */
import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SettingError } from '../errors.ts';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Before long work: the output `setting` must be a file path in an existing directory, not a directory. */
export async function checkOutputFile(path: string, setting: string): Promise<void> {
  const [self, parent] = await Promise.all([stat(path).catch(() => null), stat(dirname(path)).catch(() => null)]);
  if (self?.isDirectory()) throw new SettingError(setting, 'points at a directory; give a file name', { given: path });
  if (!parent?.isDirectory()) throw new SettingError(setting, `the directory ${dirname(path)} does not exist`, { given: path });
}
