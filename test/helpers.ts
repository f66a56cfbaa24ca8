/** Shared test helpers: fixture paths and small data files. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type FusedLstmAddon, loadFusedLstmAddon } from '../src/engine/native-addon.ts';
import type { SpeedLayer } from '../src/engine/speed-layer.ts';
import type { RunSettings } from '../src/settings.ts';

export const ROOT = new URL('..', import.meta.url).pathname;
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const TRAIN_TSV = join(ROOT, 'data', 'train.tsv');
export const TEST_TSV = join(ROOT, 'data', 'test.tsv');

export const BIN = join(ROOT, 'bin', 'sentiment');

/** What `--backend auto` picks here for `work`: the first of AUTO_ORDER[work] installed here. */
export async function autoEngine(work: 'train' | 'score' | 'answer'): Promise<'blas' | 'tensorflow' | 'wasm'> {
  const { loadFusedLstmAddon } = await import('../src/engine/native-addon.ts');
  const { AUTO_ORDER } = await import('../src/engine/names.ts');
  const here = { blas: loadFusedLstmAddon().ok, tensorflow: tensorflowInstalled(), wasm: true };
  return AUTO_ORDER[work].find((engine) => here[engine]) ?? 'wasm';
}

/**
 * The native addon for a test that needs it, or null after skipping the test with the reason. CI
 * builds the addon (.ci/run installs OpenBLAS) and sets SENTIMENT_REQUIRE_NATIVE=1: there a missing
 * addon fails the test instead.
 */
export function needAddon(t: TestContext): FusedLstmAddon | null {
  const load = loadFusedLstmAddon();
  if (load.ok) return load.addon;
  if (process.env.SENTIMENT_REQUIRE_NATIVE) assert.fail(`the fused-LSTM addon is required here: ${load.why}`);
  t.skip(`no fused-LSTM addon: ${load.why}`);
  return null;
}

/**
 * Whether @tensorflow/tfjs-node loads here, for a test that needs it; else the test is skipped with the
 * reason. CI installs it (npm run setup:tensorflow) for its second run and sets
 * SENTIMENT_REQUIRE_TENSORFLOW=1: there a missing tfjs-node fails the test instead.
 */
export async function needTensorflow(t: TestContext): Promise<boolean> {
  const { chooseNativePackage, quietNativeLogs } = await import('../src/engine/engine.ts');
  quietNativeLogs(false);
  const choice = await chooseNativePackage(undefined, ['@tensorflow/tfjs-node']);
  if (choice.ok) return true;
  if (process.env.SENTIMENT_REQUIRE_TENSORFLOW) assert.fail(`@tensorflow/tfjs-node is required here: ${choice.why}`);
  t.skip(`no tfjs-node: ${choice.why} (npm run setup:tensorflow -- <libtensorflow> installs it)`);
  return false;
}

/** Where a test finds Chromium: CHROMIUM_PATH, else Debian's and other distributions' usual places. */
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * The system Chromium's path for a test that opens a page in a browser, or null after skipping the test
 * with the install command. CI installs it (apt-get install chromium) and sets
 * SENTIMENT_REQUIRE_CHROMIUM=1: there a missing Chromium fails the test instead.
 */
export function needChromium(t: TestContext): string | null {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CHROMIUM_PATHS;
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  const why = `no Chromium at ${candidates.join(', ')}`;
  if (process.env.SENTIMENT_REQUIRE_CHROMIUM) assert.fail(`Chromium is required here: ${why}`);
  t.skip(`${why} (sudo apt-get install chromium, or set CHROMIUM_PATH)`);
  return null;
}

/** Whether @tensorflow/tfjs-node is installed (then \`auto\` may pick it where the addon is not built). */
export function tensorflowInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the built CLI without colours; `input` goes to its stdin; `timeoutMs` ends a process that would not end (its code is then null). */
export function sentiment(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs,
    env: { ...process.env, ...opts.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function readFixture<T>(relative: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, relative), 'utf8')) as T;
}

const made: string[] = [];
// Each test file runs in its own process: its temporary directories go when it ends.
process.on('exit', () => made.forEach(removeAll));

/** A new empty directory in the system's temp folder, removed when the test process exits. */
export function tempDir(prefix = 'sentiment-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes `dir`, making read-only directories in it (permission tests make some) writable first. */
function removeAll(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    const open = (d: string) => {
      chmodSync(d, 0o755);
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) open(join(d, e.name));
    };
    open(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Library settings for one epoch of a model of a few thousand weights: seconds on a few hundred rows. */
export const TINY_SETTINGS: Readonly<Partial<RunSettings>> = {
  epochs: 1,
  batchSize: 64,
  maxWords: 400,
  embeddingDim: 8,
  units: 8,
  denseUnits: 8,
};

/** `train` flags for a model of a few hundred weights: seconds to train on a few hundred rows. */
export const TINY_TRAIN_FLAGS: readonly string[] = [
  '--units',
  '4',
  '--embedding-dim',
  '4',
  '--dense-units',
  '4',
  '--max-words',
  '300',
  '--batch-size',
  '64',
];

/** The first `n` data rows of data/train.tsv (with its header) in a temp file. */
export function trainHead(n: number): string {
  const lines = readFileSync(TRAIN_TSV, 'utf8')
    .split('\n')
    .slice(0, n + 1);
  const path = join(tempDir(), `train-head-${n}.tsv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A small model trained for one epoch on the first rows of data/train.tsv, in a temp model directory. */
export async function tinyModel(
  opts: {
    pad?: 'group' | 'max';
    rows?: number;
    epochs?: number;
    backend?: 'wasm' | 'blas' | 'tensorflow';
    seed?: number;
    /** Its weights stored as 16-bit floats (the `float16` setting). */
    float16?: boolean;
  } = {},
): Promise<string> {
  const { runTraining } = await import('../src/train/train-model.ts');
  const { DEFAULT_SETTINGS } = await import('../src/settings.ts');
  const out = join(tempDir(), 'model');
  await runTraining({
    ...DEFAULT_SETTINGS,
    out,
    dataFile: trainHead(opts.rows ?? 400),
    epochs: opts.epochs ?? 1,
    batchSize: 64,
    maxWords: 500,
    embeddingDim: 8,
    units: 8,
    denseUnits: 8,
    pad: opts.pad ?? 'group',
    backend: opts.backend ?? 'wasm',
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    ...(opts.float16 ? { float16: true } : {}),
  });
  return out;
}

/** The running engine's speed layer: what the commands hand the models they build and load. */
export async function speedLayer(): Promise<SpeedLayer | null> {
  const { startEngine } = await import('../src/engine/engine.ts');
  return (await startEngine('auto')).speed;
}

/** Random 8-d vectors for every word of `tsv`'s phrases, in GloVe's text format. */
export function vectorsFor(tsv: string): string {
  const words = new Set(
    readFileSync(tsv, 'utf8')
      .split('\n')
      .slice(1)
      .flatMap((l) => (l.split('\t')[2] ?? '').toLowerCase().split(/\s+/))
      .filter(Boolean),
  );
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return (seed / 2147483647 - 0.5).toFixed(4);
  };
  const file = join(tempDir(), 'vectors.txt');
  writeFileSync(file, `${[...words].map((w) => `${w} ${Array.from({ length: 8 }, rand).join(' ')}`).join('\n')}\n`);
  return file;
}

/** `predict --json`'s objects for texts, on the `engine` given (null: the one `auto` picks). */
export function predictJson(
  model: string,
  texts: string[],
  extra: string[] = [],
  engine: string | null = 'wasm',
): Record<string, unknown>[] {
  const r = sentiment([
    'predict',
    '--model',
    model,
    '--json',
    ...(engine ? ['--backend', engine] : []),
    ...extra,
    ...texts,
  ]);
  assert.equal(r.code, 0, r.err);
  return r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** `a` and `b` the same, their numbers within 1e-5 of each other (keys, lengths and the rest equal). */
export function close(a: unknown, b: unknown, what: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Math.abs(a - b) < 1e-5, `${what}: ${a} vs ${b}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, what);
    a.forEach((x, i) => close(x, b[i], `${what}[${i}]`));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), what);
    for (const k of Object.keys(a))
      close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${what}.${k}`);
    return;
  }
  assert.deepEqual(a, b, what);
}
