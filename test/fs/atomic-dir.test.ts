import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { recoverDirectory, replaceDirectory } from '../../src/fs/atomic-dir.ts';
import { tempDir } from '../helpers.ts';

const write = (files: Record<string, string>) => async (stage: string) => {
  for (const [name, text] of Object.entries(files)) await writeFile(join(stage, name), text);
};

describe('replacing a directory as one change', () => {
  it('creates, then replaces, carrying over entries the writer did not write when asked', async () => {
    const parent = tempDir();
    const dir = join(parent, 'model');
    await replaceDirectory(dir, write({ 'a.json': 'old a', 'b.bin': 'old b' }));
    mkdirSync(join(dir, 'checkpoint'));
    writeFileSync(join(dir, 'checkpoint', 'state.json'), 'kept');
    await replaceDirectory(dir, write({ 'a.json': 'new a', 'b.bin': 'new b' }), { keep: () => true });
    assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), 'new a');
    assert.equal(readFileSync(join(dir, 'checkpoint', 'state.json'), 'utf8'), 'kept');
    assert.deepEqual(readdirSync(parent), ['model'], 'no staging or retired directory left');
  });

  it('leaves the old directory whole when the writer fails', async () => {
    const parent = tempDir();
    const dir = join(parent, 'model');
    await replaceDirectory(dir, write({ 'a.json': 'old' }));
    await assert.rejects(
      replaceDirectory(dir, async (stage) => {
        await writeFile(join(stage, 'a.json'), 'half');
        throw new Error('disk full');
      }),
      /disk full/,
    );
    assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), 'old');
    assert.deepEqual(readdirSync(parent), ['model']);
  });

  it('finishes a swap that a killed process left between its two renames', async () => {
    const parent = tempDir();
    const dir = join(parent, 'model');
    mkdirSync(join(parent, '.model.new'));
    writeFileSync(join(parent, '.model.new', 'a.json'), 'new');
    writeFileSync(join(parent, '.model.new', '.complete'), '');
    mkdirSync(join(parent, '.model.old'));
    writeFileSync(join(parent, '.model.old', 'a.json'), 'old');
    await recoverDirectory(dir);
    assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir), ['a.json'], 'the completeness mark is not left in the model');
    assert.deepEqual(readdirSync(parent), ['model']);
  });

  it('never promotes a staging directory without its completeness mark', async () => {
    const parent = tempDir();
    const dir = join(parent, 'model');
    mkdirSync(join(parent, '.model.new'));
    writeFileSync(join(parent, '.model.new', 'a.json'), 'half');
    await recoverDirectory(dir);
    assert.deepEqual(readdirSync(parent), [], 'a first save killed mid-write leaves nothing');
    mkdirSync(join(parent, '.model.new'));
    writeFileSync(join(parent, '.model.new', 'a.json'), 'half');
    mkdirSync(join(parent, '.model.old'));
    writeFileSync(join(parent, '.model.old', 'a.json'), 'old');
    await recoverDirectory(dir);
    assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), 'old', 'the last whole copy comes back');
    assert.deepEqual(readdirSync(parent), ['model']);
  });

  it('replaces over a staging directory a killed writer left behind', async () => {
    const parent = tempDir();
    const dir = join(parent, 'model');
    await replaceDirectory(dir, write({ 'a.json': 'old' }));
    mkdirSync(join(parent, '.model.new'));
    writeFileSync(join(parent, '.model.new', 'stale.bin'), 'x');
    await replaceDirectory(dir, write({ 'a.json': 'new' }));
    assert.deepEqual(readdirSync(dir), ['a.json']);
    assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), 'new');
  });

  it("refuses to save while a live writer's staging directory is there, and leaves it alone", async () => {
    const parent = tempDir();
    const dir = join(parent, 'model');
    await replaceDirectory(dir, write({ 'a.json': 'old' }));
    // A live process of this host (our parent) holds the lock and is mid-save.
    writeFileSync(join(parent, '.model.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), started: 'now' }));
    mkdirSync(join(parent, '.model.new'));
    writeFileSync(join(parent, '.model.new', 'a.json'), 'theirs');
    await assert.rejects(replaceDirectory(dir, write({ 'a.json': 'mine' })), (err: Error) => {
      assert.ok(err instanceof InputError);
      assert.match(
        err.message,
        new RegExp(
          `^${dir}: process ${process.ppid} on .* is saving this directory \\(its staging directory .*\\.model\\.new exists\\); wait for it to finish$`,
        ),
      );
      return true;
    });
    assert.equal(readFileSync(join(parent, '.model.new', 'a.json'), 'utf8'), 'theirs');
    assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), 'old');
  });

  it('drops a staging directory that never got swapped in (killed while writing)', async () => {
    const parent = tempDir();
    const dir = join(parent, 'model');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.json'), 'old');
    mkdirSync(join(parent, '.model.new'));
    writeFileSync(join(parent, '.model.new', 'a.json'), 'half');
    await recoverDirectory(dir);
    assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), 'old');
    assert.ok(!existsSync(join(parent, '.model.new')));
  });
});
