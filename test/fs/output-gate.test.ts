import assert from 'node:assert/strict';
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SettingError } from '../../src/errors.ts';
import { checkDirectoryHoldsNoInput, checkNoDirectoryNested, checkOutputs } from '../../src/fs/output-gate.ts';
import { tempDir } from '../helpers.ts';

/** A data file and a model directory (two levels, as members are) to protect. */
function inputs(): { dir: string; data: string; model: string; files: string[] } {
  const dir = tempDir();
  const data = join(dir, 'train.tsv');
  writeFileSync(data, 'Phrase\tSentiment\ngood\t4\n');
  const model = join(dir, 'model');
  mkdirSync(join(model, 'fold-1', 'ngram'), { recursive: true });
  const files = [
    join(model, 'meta.json'),
    join(model, 'weights.bin'),
    join(model, 'fold-1', 'tokenizer.json'),
    join(model, 'fold-1', 'ngram', 'weights.bin'),
  ];
  for (const f of files) writeFileSync(f, f);
  return { dir, data, model, files: [data, ...files] };
}

describe('the output gate: nothing written may destroy what is read', () => {
  it('refuses any way of naming an input (itself, a symbolic link, a relative link, a hard link), leaving it whole', async () => {
    const { dir, data, model, files } = inputs();
    const ways = fc.record({
      file: fc.constantFrom(...files),
      way: fc.constantFrom('direct', 'symlink', 'relative-link', 'hardlink', 'link-to-link'),
      name: fc.stringMatching(/^[a-z]{1,8}\.(html|csv|png|svg)$/),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(ways, async ({ file, way, name }) => {
        const at = join(dir, `w${n++}`);
        mkdirSync(at);
        const out = way === 'direct' ? file : join(at, name);
        if (way === 'symlink') symlinkSync(file, out);
        if (way === 'relative-link') symlinkSync(relative(at, file), out);
        if (way === 'hardlink') linkSync(file, out);
        if (way === 'link-to-link') {
          symlinkSync(file, join(at, `first-${name}`));
          symlinkSync(join(at, `first-${name}`), out);
        }
        await assert.rejects(checkOutputs([{ path: out, setting: 'out' }], [data, model]), (err: unknown) => {
          assert.ok(err instanceof SettingError);
          assert.equal(err.setting, 'out');
          assert.match(err.message, /would destroy it/);
          return true;
        });
        assert.equal(readFileSync(file, 'utf8'), file === data ? 'Phrase\tSentiment\ngood\t4\n' : file);
      }),
      { numRuns: 60 },
    );
  });

  it('lets a new file, or a file of its own, through: beside the inputs, inside the model directory', async () => {
    const { dir, data, model } = inputs();
    writeFileSync(join(dir, 'old-report.html'), 'old');
    for (const path of [join(dir, 'report.html'), join(dir, 'old-report.html'), join(model, 'report.html')]) {
      const [t] = await checkOutputs([{ path, setting: 'out' }], [data, model]);
      assert.equal(t.kind, 'replace');
    }
  });

  it("skips a directory's entries the command itself rewrites", async () => {
    const { model } = inputs();
    writeFileSync(join(model, 'history.png'), 'old plot');
    const out = join(model, 'history.png');
    await assert.rejects(checkOutputs([{ path: out, setting: 'out' }], [model]), SettingError);
    await checkOutputs([{ path: out, setting: 'out' }], [{ path: model, except: ['history.png'] }]);
  });

  it('refuses two outputs that are one file, through a link too', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.png');
    writeFileSync(a, 'x');
    symlinkSync(a, join(dir, 'b.svg'));
    for (const pair of [
      [a, a],
      [a, join(dir, 'b.svg')],
      [join(dir, 'new.png'), join(dir, '.', 'new.png')],
    ]) {
      await assert.rejects(
        checkOutputs(
          pair.map((path) => ({ path, setting: 'out' })),
          [],
        ),
        /one output would overwrite the other/,
      );
    }
  });

  it('refuses a model directory that holds (or hard-links) a file the run reads', async () => {
    const dir = tempDir();
    const out = join(dir, 'model');
    mkdirSync(out);
    const data = join(out, 'train.tsv');
    writeFileSync(data, 'x');
    await assert.rejects(checkDirectoryHoldsNoInput(out, 'out', out, [data]), /holds .*train\.tsv/);
    const elsewhere = join(dir, 'data.tsv');
    writeFileSync(elsewhere, 'y');
    linkSync(elsewhere, join(out, 'weights.bin'));
    await assert.rejects(checkDirectoryHoldsNoInput(out, 'out', out, [elsewhere]), /holds .*data\.tsv/);
    symlinkSync(out, join(dir, 'link'));
    await assert.rejects(checkDirectoryHoldsNoInput(join(dir, 'link'), 'out', 'link', [data]), SettingError);
    const other = join(dir, 'other.tsv');
    writeFileSync(other, 'z');
    await checkDirectoryHoldsNoInput(out, 'out', out, [other, join(dir, 'missing.tsv')]);
  });

  it('refuses a model directory that is a directory the run reads, around it or inside it (new or not)', async () => {
    const { dir, model } = inputs();
    const cases: Array<[string, RegExp]> = [
      [model, /is .*model, which this run reads/],
      [dir, /holds .*model, which this run reads/],
      [join(model, 'fold-1'), /is inside .*model/],
      [join(model, 'new', 'deeper'), /is inside .*model/],
    ];
    symlinkSync(model, join(dir, 'model-link'));
    cases.push([join(dir, 'model-link'), /is .*model, which this run reads/]);
    for (const [out, why] of cases)
      await assert.rejects(checkNoDirectoryNested(out, 'out', out, [model]), (err: unknown) => {
        assert.ok(err instanceof SettingError && why.test(err.message), String(err));
        return true;
      });
    // A directory beside it, or its parent's other child, is its own.
    await checkNoDirectoryNested(join(dir, 'model-2'), 'out', 'model-2', [model]);
    await checkNoDirectoryNested(join(dir, 'student'), 'out', 'student', [model, join(dir, 'missing')]);
  });
});
