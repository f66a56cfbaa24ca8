/**
 * Files a user names for output (a submission, a plot). A regular file, or a new path, is replaced
 * atomically (a temporary sibling, then a rename); a symbolic link is followed and its target
 * replaced, so the link stays a link; a FIFO or a device (a pipe, /dev/stdout) is written through,
 * since renaming over it would replace it. A directory or a socket is refused.
 */
import { constants } from 'node:fs';
import { access, lstat, readlink, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SettingError } from '../errors.ts';
import { writeFileAtomic } from './atomic-file.ts';

export type Target = { kind: 'replace'; path: string } | { kind: 'through'; path: string };

/** Where and how `path` is written, or a SettingError naming `setting` when it cannot be. */
export async function outputTarget(path: string, setting: string): Promise<Target> {
  if (path.trim() === '')
    throw new SettingError(setting, 'is empty; give a file name', { given: JSON.stringify(path) });
  const link = await lstat(path).catch(() => null);
  let target = path;
  if (link?.isSymbolicLink()) {
    // A dangling link still names where the file should be.
    target = await realpath(path).catch(async () => resolve(dirname(path), await readlink(path)));
  }
  const s = await stat(target).catch(() => null);
  if (s?.isDirectory()) throw new SettingError(setting, 'points at a directory; give a file name', { given: path });
  if (s?.isSocket()) throw new SettingError(setting, 'points at a socket; give a file name', { given: path });
  if (s && (s.isFIFO() || s.isCharacterDevice() || s.isBlockDevice())) return { kind: 'through', path: target };
  const parent = await stat(dirname(target)).catch(() => null);
  if (!parent?.isDirectory())
    throw new SettingError(setting, `the directory ${dirname(target)} does not exist`, { given: path });
  // The temporary sibling needs the directory writable, the file itself aside.
  await access(dirname(target), constants.W_OK | constants.X_OK).catch(() => {
    throw new SettingError(
      setting,
      `cannot write in ${dirname(target)} (permission denied or a read-only file system)`,
      { given: path },
    );
  });
  return { kind: 'replace', path: target };
}

/** Writes an output file the way `outputTarget` decided. */
export async function writeOutputFile(path: string, data: string | Uint8Array, setting: string): Promise<void> {
  const t = await outputTarget(path, setting);
  if (t.kind === 'through') await writeFile(t.path, data);
  else await writeFileAtomic(t.path, data);
}
