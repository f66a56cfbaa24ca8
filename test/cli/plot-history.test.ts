import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, sentiment, tempDir } from '../helpers.ts';

describe('sentiment plot-history (the built CLI)', () => {
  it('writes history.png and history.svg next to history.json and prints their paths', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'history', 'eight-epochs.json'), join(dir, 'history.json'));
    const r = sentiment(['plot-history', '--model', dir]);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      `wrote ${join(dir, 'history.png')}\nwrote ${join(dir, 'history.svg')}\n`,
      'no terminal chart without a TTY',
    );
    assert.match(readFileSync(join(dir, 'history.svg'), 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/);
    assert.equal(readFileSync(join(dir, 'history.png')).subarray(1, 4).toString(), 'PNG');
  });

  it("reads a Keras history.history file given with --history and writes --out's format", () => {
    const out = join(tempDir(), 'keras.png');
    const r = sentiment([
      'plot-history',
      '--history',
      join(FIXTURES, 'history', 'keras-accuracy.json'),
      '--out',
      out,
      '--theme',
      'light',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `wrote ${out}\n`);
    const png = readFileSync(out);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    assert.ok(png.length > 5000, 'with a picture in it');
  });

  it('exits 2 saying where it looked when there is no history; rejects an unknown theme', () => {
    const dir = tempDir();
    const r = sentiment(['plot-history', '--model', dir]);
    assert.equal(r.code, 2);
    assert.match(r.err, /history\.json: no history here; train a model first/);
    const theme = sentiment(['plot-history', '--model', dir, '--theme', 'blue']);
    assert.equal(theme.code, 1);
    assert.match(theme.err, /argument 'blue' is invalid\. Allowed choices are dark, light/);
  });

  it('has help for the command and every flag', () => {
    const r = sentiment(['plot-history', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--model', '--history', '--out', '--theme', '--no-terminal'])
      assert.ok(r.out.includes(flag), flag);
  });
});
