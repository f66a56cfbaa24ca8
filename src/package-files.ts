/**
 * Where this package's own files are, whichever module asks: run from src/ (tsx, the tests), from dist/
 * (the library), or from the CLI's bundle (dist/cli-bundle/, a flat folder of chunks), so no path may
 * count `../` from the module it is written in.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const here = fileURLToPath(import.meta.url);

/** The folder holding this package's package.json: the nearest one above the running code. */
export const PACKAGE_ROOT: string = nearestPackage(dirname(here));

/** The running code's extension: '.ts' from src/, '.js' from dist/. */
export const CODE_EXT: '.ts' | '.js' = here.endsWith('.ts') ? '.ts' : '.js';

/** A file of the running code's tree by its path inside src/ (from src/) or dist/ (from dist/ or the bundle). */
export function codeFile(path: string): string {
  return join(PACKAGE_ROOT, CODE_EXT === '.ts' ? 'src' : 'dist', path);
}

/**
 * A worker thread running the module at `path` of the running tree (as codeFile). From src/, its module
 * is loaded through tsx, which Node 20 does not carry into workers (tsx issue 354).
 */
export function codeWorker(path: string, options: Omit<WorkerOptions, 'eval' | 'execArgv'> = {}): Worker {
  const file = codeFile(path);
  // None of this process's flags: under `node -e`, a worker given them would run that script again.
  if (CODE_EXT === '.js') return new Worker(file, { ...options, execArgv: [] });
  const tsx = import.meta.resolve('tsx/esm/api');
  const load = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); })`;
  return new Worker(load, { ...options, eval: true, execArgv: [] });
}

function nearestPackage(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
