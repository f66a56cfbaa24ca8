import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SettingError } from '../../src/errors.ts';
import { writeOutputFile } from '../../src/fs/output-file.ts';
import { tempDir } from '../helpers.ts';

describe('writing an output file the user names', () => {
  it('replaces a regular file or makes a new one, leaving no temporary file', async () => {
    const dir = tempDir();
    const path = join(dir, 'out.csv');
    await writeOutputFile(path, 'one', 'submission');
    writeFileSync(path, 'old');
    await writeOutputFile(path, 'two', 'submission');
    assert.equal(readFileSync(path, 'utf8'), 'two');
    assert.deepEqual(execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).trim().split('\n'), ['out.csv']);
  });

  it('follows a symbolic link: the target is replaced, the link stays a link (a dangling one too)', async () => {
    const dir = tempDir();
    const target = join(dir, 'real.csv');
    writeFileSync(target, 'old');
    const link = join(dir, 'link.csv');
    symlinkSync(target, link);
    await writeOutputFile(link, 'new', 'submission');
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(target, 'utf8'), 'new');
    const dangling = join(dir, 'dangling.csv');
    symlinkSync('made-by-the-write.csv', dangling);
    await writeOutputFile(dangling, 'fresh', 'submission');
    assert.ok(lstatSync(dangling).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'made-by-the-write.csv'), 'utf8'), 'fresh');
    assert.equal(readlinkSync(dangling), 'made-by-the-write.csv');
  });

  it('writes through a FIFO instead of replacing it', async (t) => {
    const fifo = join(tempDir(), 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return t.skip('mkfifo is not available here');
    }
    const reader = new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      import('node:fs').then(({ createReadStream }) => {
        const s = createReadStream(fifo);
        s.on('data', (c) => chunks.push(c as Buffer));
        s.on('end', () => resolve(Buffer.concat(chunks).toString()));
      });
    });
    await writeOutputFile(fifo, 'through the pipe', 'submission');
    assert.equal(await reader, 'through the pipe');
    assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
  });

  it('refuses a directory, an empty name, and a path in a missing directory', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    for (const [path, problem] of [
      [join(dir, 'sub'), /points at a directory/],
      ['', /is empty/],
      [join(dir, 'no', 'x.csv'), /the directory .* does not exist/],
    ] as const) {
      await assert.rejects(
        writeOutputFile(path, 'x', 'submission'),
        (err: unknown) => err instanceof SettingError && err.setting === 'submission' && problem.test(err.problem),
      );
    }
    assert.ok(!existsSync(join(dir, 'no')));
  });
});
