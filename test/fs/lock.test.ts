import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SettingError } from '../../src/errors.ts';
import { recoverDirectory } from '../../src/fs/atomic-dir.ts';
import { lockDirectory, lockPath } from '../../src/fs/lock.ts';
import { tempDir } from '../helpers.ts';

/** A live process other than this one, for a lock to name. */
function otherProcess(): { pid: number; stop(): void } {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return { pid: child.pid as number, stop: () => child.kill() };
}

describe('one writer per model directory', () => {
  it('a second writer is refused with who holds the lock; after release the lock is free', async () => {
    const dir = join(tempDir(), 'model');
    const release = await lockDirectory(dir, 'out');
    const other = otherProcess();
    try {
      writeFileSync(lockPath(dir), JSON.stringify({ pid: other.pid, host: hostname(), started: 'then' }));
      await assert.rejects(
        lockDirectory(dir, 'out'),
        (err: unknown) =>
          err instanceof SettingError && err.problem.includes(`process ${other.pid} on ${hostname()} since then`),
      );
    } finally {
      other.stop();
    }
    await release();
    assert.ok(!existsSync(lockPath(dir)));
    await (await lockDirectory(dir, 'out'))();
  });

  it('takes over a stale lock, whose process is gone', async () => {
    const dir = join(tempDir(), 'model');
    const gone = otherProcess();
    gone.stop();
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(lockPath(dir), JSON.stringify({ pid: gone.pid, host: hostname(), started: 'earlier' }));
    const release = await lockDirectory(dir, 'out');
    await release();
  });

  it("a reader leaves a live writer's staging directory alone", async () => {
    const parent = tempDir();
    const dir = join(parent, 'model');
    mkdirSync(dir);
    mkdirSync(join(parent, '.model.new'));
    const writer = otherProcess();
    try {
      writeFileSync(lockPath(dir), JSON.stringify({ pid: writer.pid, host: hostname(), started: 'now' }));
      await recoverDirectory(dir);
      assert.ok(existsSync(join(parent, '.model.new')), 'the staging directory is still there');
    } finally {
      writer.stop();
    }
    await new Promise((r) => setTimeout(r, 200));
    await recoverDirectory(dir);
    assert.ok(!existsSync(join(parent, '.model.new')), 'once the writer is gone, its leftover goes');
  });
});
