import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { wasmThreadsFor } from '../../../src/engine/engine.ts';
import { ROOT } from '../../helpers.ts';

interface Run {
  summary: string;
  threads: number;
  losses: unknown;
  weights: string;
}

/** A fresh process: a process starts tfjs' WebAssembly backend once, threaded or not. */
function train(work: 'answer' | 'score'): Run {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test', 'engine', 'patches', 'wasm-threads-run.ts'), work],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.signal, null, `the process ended by itself (${work}): ${r.stderr.slice(-500)}`);
  assert.equal(r.status, 0, r.stderr.slice(-500));
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Run;
}

describe('WebAssembly threads (src/engine/patches/wasm-threads.ts, chosen in engine.ts)', () => {
  it('trains bit for bit as on one thread, says how many it runs on, and lets the process end', () => {
    const one = train('answer');
    const many = train('score');
    const expected = Math.min(8, availableParallelism());
    assert.equal(one.threads, 1);
    assert.equal(many.threads, expected);
    assert.equal(one.summary, 'wasm (WebAssembly, as asked)');
    assert.equal(
      many.summary,
      expected > 1 ? `wasm (WebAssembly, ${expected} threads, as asked)` : 'wasm (WebAssembly, as asked)',
    );
    assert.deepEqual(many.losses, one.losses);
    assert.equal(many.weights, one.weights);
  });

  it('threads by the work: training on wasm and scoring files on every core, training on blas and a few texts on one', () => {
    const cores = availableParallelism();
    assert.equal(wasmThreadsFor('train', 'wasm'), cores);
    assert.equal(wasmThreadsFor('train', 'blas'), 1);
    assert.equal(wasmThreadsFor('score', 'wasm'), cores);
    assert.equal(wasmThreadsFor('score', 'blas'), cores);
    assert.equal(wasmThreadsFor('answer', 'wasm'), 1);
    assert.equal(wasmThreadsFor('answer', 'blas'), 1);
  });
});
