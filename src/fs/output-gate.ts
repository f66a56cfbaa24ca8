/**
 * The one rule every command's outputs pass before any work starts: nothing the tool writes may land on
 * what the same command reads (a data file, any file of a model directory in use, a vectors file), nor
 * on another of its outputs. Files are compared by identity (device and inode), so a symbolic link or a
 * hard link to an input is refused as the input itself is.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SettingError } from '../errors.ts';
import { outputTarget, type Target } from './output-file.ts';

/** A file a command will write, and the setting that named it. */
export interface Output {
  path: string;
  setting: string;
}

/** Files deeper than this under a directory being read are not looked at (a model directory is two deep). */
const MAX_DEPTH = 4;
/** Files looked at under one directory being read: a model directory holds a few dozen. */
const MAX_FILES = 10_000;

/**
 * What a command reads: a file, or a directory (every file under it), less `except`: entries of the
 * directory the command itself rewrites (plot-history's history.png beside the history it draws).
 */
export type Read = string | { path: string; except: readonly string[] };

type Identity = string;
const identity = (s: { dev: number; ino: number }): Identity => `${s.dev}:${s.ino}`;

/** What each input is, by identity: the file's own path, or the directory it was found in. */
async function inputIdentities(reads: ReadonlyArray<Read>): Promise<Map<Identity, string>> {
  const found = new Map<Identity, string>();
  for (const r of reads) {
    const read = typeof r === 'string' ? r : r.path;
    const except = typeof r === 'string' ? [] : r.except;
    const s = await stat(read).catch(() => null);
    if (!s) continue;
    if (!s.isDirectory()) {
      found.set(identity(s), `the input file ${read}`);
      continue;
    }
    let budget = MAX_FILES;
    const walk = async (dir: string, depth: number): Promise<void> => {
      const entries = await readdir(dir).catch(() => [] as string[]);
      for (const e of entries) {
        if (budget-- <= 0) return;
        if (depth === 1 && except.includes(e)) continue;
        const p = join(dir, e);
        const es = await stat(p).catch(() => null);
        if (!es) continue;
        if (es.isDirectory()) {
          if (depth < MAX_DEPTH) await walk(p, depth + 1);
        } else found.set(identity(es), `${p} (a file of ${read}, which this command reads)`);
      }
    };
    await walk(read, 1);
  }
  return found;
}

/** The path a target will have once written: its directory's links followed. */
async function finalPath(path: string): Promise<string> {
  const real = await realpath(path).catch(() => null);
  if (real) return real;
  const dir = await realpath(dirname(resolve(path))).catch(() => resolve(dirname(path)));
  return join(dir, basename(path));
}

/**
 * Checks each output's path (outputTarget) and that none of them is an input (`reads`: files or
 * directories the command reads) or another output; a SettingError naming the output's setting otherwise.
 */
export async function checkOutputs(outputs: ReadonlyArray<Output>, reads: ReadonlyArray<Read>): Promise<Target[]> {
  const targets: Target[] = [];
  for (const o of outputs) targets.push(await outputTarget(o.path, o.setting));
  const inputs = await inputIdentities(reads);
  const seen = new Map<string, Output>();
  for (const [i, o] of outputs.entries()) {
    const s = await stat(targets[i].path).catch(() => null);
    const input = s ? inputs.get(identity(s)) : undefined;
    if (input !== undefined)
      throw new SettingError(o.setting, `is ${input}: writing it would destroy it; give another name`, {
        given: o.path,
      });
    const key = s ? identity(s) : await finalPath(targets[i].path);
    const twice = seen.get(key);
    if (twice)
      throw new SettingError(
        o.setting,
        `is the same file as ${twice.setting} ${twice.path}: one output would overwrite the other; give another name`,
        { given: o.path },
      );
    seen.set(key, o);
  }
  return targets;
}

/**
 * A directory a command replaces whole (a model directory) must hold none of its inputs: refuses,
 * naming `setting`, when a file of `reads` is inside `dir` (through links, or as a hard link there).
 */
export async function checkDirectoryHoldsNoInput(
  dir: string,
  setting: string,
  given: string,
  reads: ReadonlyArray<string>,
): Promise<void> {
  const realDir = await realpath(dir).catch(() => null);
  if (!realDir) return;
  const inside = await inputIdentities([realDir]);
  for (const read of reads) {
    const s = await stat(read).catch(() => null);
    if (!s || s.isDirectory()) continue;
    const real = await realpath(read).catch(() => resolve(read));
    const within = isWithin(realDir, real);
    if (within || inside.has(identity(s)))
      throw new SettingError(
        setting,
        `holds ${read}, which this run reads, and a model directory is replaced whole: give another directory`,
        { given },
      );
  }
}

/** `path` is strictly inside `dir` (both resolved). */
export function isWithin(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * A directory the command reads (a teacher) and the one it replaces whole (`dir`, its links followed)
 * must not be one, nor either inside the other: replacing the read one, or one around it, destroys
 * it; one inside it would be lost when the read one is replaced in turn, and could be a part of it
 * (`bilstm/`). Checked before anything touches `dir` (its writability probe included).
 */
export async function checkNoDirectoryNested(
  dir: string,
  setting: string,
  given: string,
  reads: ReadonlyArray<string>,
): Promise<void> {
  const target = await realpath(dir).catch(() => finalPath(dir));
  for (const read of reads) {
    const s = await stat(read).catch(() => null);
    if (!s?.isDirectory()) continue;
    const real = await realpath(read);
    const why =
      real === target
        ? `is ${read}, which this run reads, and writing it would destroy it`
        : isWithin(target, real)
          ? `holds ${read}, which this run reads, and a model directory is replaced whole`
          : isWithin(real, target)
            ? `is inside ${read}, which this run reads`
            : null;
    if (why) throw new SettingError(setting, `${why}: give a directory of its own`, { given });
  }
}
