import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers.ts';

interface Run {
  summary: string;
  threads: number;
  losses: unknown;
  weights: string;
}

/** A fresh process: a process starts tfjs' WebAssembly backend once, threaded or not. */
function train(threads: number): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'engine', 'wasm-threads-run.ts'), String(threads)], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.signal, null, `the process ended by itself (threads ${threads}): ${r.stderr.slice(-500)}`);
  assert.equal(r.status, 0, r.stderr.slice(-500));
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Run;
}

describe('the plain wasm engine on threads (src/engine/wasm-threads.ts)', () => {
  it('trains bit for bit as on one thread, says how many it runs on, and lets the process end', () => {
    const one = train(1);
    const many = train(2);
    const expected = Math.min(2, availableParallelism());
    assert.equal(one.threads, 1);
    assert.equal(many.threads, expected);
    assert.match(one.summary, /^wasm \(WebAssembly, as asked\)$/);
    assert.equal(many.summary, expected > 1 ? 'wasm (WebAssembly, 2 threads, as asked)' : 'wasm (WebAssembly, as asked)');
    assert.deepEqual(many.losses, one.losses);
    assert.equal(many.weights, one.weights);
  });
});
