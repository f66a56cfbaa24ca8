/**
 * A directory a long job will write (a model directory): checked before the work starts, so that a
 * bad path fails in a second, not after an hour of training. It must be a directory or a new path, not
 * inside a file, writable where the save will stage (its parent) and inside it (the checkpoint), and,
 * if it has files, one of ours: a model directory is replaced whole, and the user's own files (say
 * `--out .`) must not be. A symbolic link is followed: the directory it names is the one replaced.
 */
import { constants } from 'node:fs';
import { access, lstat, mkdir, readdir, readlink, realpath, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { SettingError } from '../errors.ts';

async function writable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK | constants.X_OK);
    // Permissions can say yes on a read-only file system: make and remove a directory to be sure.
    const probe = join(dir, `.sentiment-probe-${process.pid}`);
    await mkdir(probe);
    await rmdir(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * The directory to write (`path`, its link followed), or a SettingError naming `setting`. `ours`
 * says whether an entry is one this tool writes there.
 */
export async function checkOutputDirectory(
  path: string,
  setting: string,
  ours: (entry: string) => boolean,
): Promise<string> {
  if (path.trim() === '')
    throw new SettingError(setting, 'is empty; give a directory', { given: JSON.stringify(path) });
  const link = await lstat(path).catch(() => null);
  const target = link?.isSymbolicLink()
    ? await realpath(path).catch(async () => resolve(dirname(path), await readlink(path)))
    : resolve(path);
  if (target === parse(target).root)
    throw new SettingError(setting, 'is the root directory; give a directory of its own', { given: path });
  const self = await stat(target).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOTDIR' ? 'under-file' : null));
  if (self === 'under-file')
    throw new SettingError(setting, `is under ${await fileAncestor(target)}, which is a file`, { given: path });
  if (self && !self.isDirectory())
    throw new SettingError(setting, 'points at an existing file; give a directory', { given: path });
  if (self) {
    const entries = await readdir(target);
    if (entries.length > 0 && !entries.some(ours)) {
      throw new SettingError(
        setting,
        `is a directory of other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}), not a model directory; a model directory is replaced whole, so give a new or an empty directory`,
        { given: path },
      );
    }
    if (!(await writable(target)))
      throw new SettingError(setting, 'cannot be written (permission denied or a read-only file system)', {
        given: path,
      });
  }
  // The save stages a sibling: the parent (or the nearest existing ancestor it will be made in) must be writable.
  let parent = dirname(target);
  while (!(await stat(parent).catch(() => null))) parent = dirname(parent);
  if (!(await stat(parent)).isDirectory())
    throw new SettingError(setting, `is under ${parent}, which is a file`, { given: path });
  if (!(await writable(parent)))
    throw new SettingError(
      setting,
      `cannot be made or replaced: ${parent} is not writable (permission denied or a read-only file system)`,
      { given: path },
    );
  return target;
}

async function fileAncestor(path: string): Promise<string> {
  for (let p = dirname(path); p !== dirname(p); p = dirname(p)) {
    const s = await stat(p).catch(() => null);
    if (s?.isFile()) return p;
  }
  return basename(path);
}
