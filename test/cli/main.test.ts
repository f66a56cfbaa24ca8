import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, sentiment } from '../helpers.ts';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('sentiment (the command itself)', () => {
  it('--version and -V print the package version alone, as commander would (bin/ answers them before the CLI loads)', () => {
    for (const flag of ['--version', '-V']) {
      const r = sentiment([flag]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, `${VERSION}\n`);
      assert.equal(r.err, '');
    }
    // With anything else on the line the CLI itself answers: the same version.
    const viaCommander = sentiment(['--version', 'train']);
    assert.equal(viaCommander.out, `${VERSION}\n`);
  });

  it('--help lists every command', () => {
    const r = sentiment(['--help']);
    assert.equal(r.code, 0, r.err);
    for (const command of ['train', 'predict', 'evaluate', 'plot-history'])
      assert.match(r.out, new RegExp(`^  ${command}\\b`, 'm'));
  });
});
