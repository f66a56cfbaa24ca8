/** Shared test helpers: fixture paths and small data files. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const TRAIN_TSV = join(ROOT, 'data', 'train.tsv');
export const TEST_TSV = join(ROOT, 'data', 'test.tsv');

export function readFixture<T>(relative: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, relative), 'utf8')) as T;
}

export function tempDir(prefix = 'sentiment-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The first `n` data rows of data/train.tsv (with its header) in a temp file. */
export function trainHead(n: number): string {
  const lines = readFileSync(TRAIN_TSV, 'utf8').split('\n').slice(0, n + 1);
  const path = join(tempDir(), `train-head-${n}.tsv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
