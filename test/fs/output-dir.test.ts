import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SettingError } from '../../src/errors.ts';
import { checkOutputDirectory } from '../../src/fs/output-dir.ts';
import { isModelEntry } from '../../src/model/directory.ts';
import { tempDir } from '../helpers.ts';

const check = (path: string) => checkOutputDirectory(path, 'out', isModelEntry);
const refused = (problem: RegExp) => (err: unknown) =>
  err instanceof SettingError && err.setting === 'out' && problem.test(err.problem);

describe('checking a model directory before training', () => {
  it('accepts a new path, an empty directory and a model directory', async () => {
    const dir = tempDir();
    assert.equal(await check(join(dir, 'new', 'model')), join(dir, 'new', 'model'));
    mkdirSync(join(dir, 'empty'));
    await check(join(dir, 'empty'));
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'model', 'meta.json'), '{}');
    await check(join(dir, 'model'));
  });

  it("refuses '', the root, a path under a file, an existing file, and a directory of other files (as --out . would be)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    mkdirSync(join(dir, 'project'));
    writeFileSync(join(dir, 'project', 'notes.txt'), 'mine');
    await assert.rejects(check(''), refused(/is empty/));
    await assert.rejects(check('/'), refused(/is the root directory/));
    await assert.rejects(check(join(dir, 'file', 'model')), refused(/is under .*file, which is a file/));
    await assert.rejects(check(join(dir, 'file')), refused(/points at an existing file/));
    await assert.rejects(
      check(join(dir, 'project')),
      refused(/is a directory of other files \(notes\.txt\), not a model directory/),
    );
  });

  it('follows a symbolic link to the directory it names', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    assert.equal(await check(join(dir, 'link')), realpathSync(join(dir, 'real')));
  });

  it('refuses a directory it cannot write, or one whose parent it cannot write (as a user without the permission)', async (t) => {
    if (process.getuid?.() === 0)
      return t.skip('running as root: permissions do not stop root; the check is by access(2) and a probe directory');
    const dir = tempDir();
    mkdirSync(join(dir, 'locked'), { mode: 0o500 });
    await assert.rejects(check(join(dir, 'locked', 'model')), refused(/is not writable/));
  });
});
