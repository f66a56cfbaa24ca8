/**
 * Where this package's own files are, whichever module asks: run from src/ (tsx, the tests), from dist/
 * (the library), or from the CLI's bundle (dist/cli-bundle/, a flat folder of chunks), so no path may
 * count `../` from the module it is written in.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** The folder holding this package's package.json: the nearest one above the running code. */
export const PACKAGE_ROOT: string = nearestPackage(dirname(here));

/** The running code's extension: '.ts' from src/, '.js' from dist/. */
export const CODE_EXT: '.ts' | '.js' = here.endsWith('.ts') ? '.ts' : '.js';

/** A file of the running code's tree by its path inside src/ (from src/) or dist/ (from dist/ or the bundle). */
export function codeFile(path: string): string {
  return join(PACKAGE_ROOT, CODE_EXT === '.ts' ? 'src' : 'dist', path);
}

function nearestPackage(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
