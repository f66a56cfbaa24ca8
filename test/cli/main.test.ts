import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, ROOT, sentiment, tempDir } from '../helpers.ts';

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

  it('run as a program, bin/sentiment starts Node on itself with huge pages asked of glibc, unless GLIBC_TUNABLES says', () => {
    const real = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    assert.equal(real.status, 0, real.stderr);
    assert.equal(real.stdout, `${VERSION}\n`);
    // A `node` first on PATH that tells what it was started with.
    const dir = tempDir();
    writeFileSync(join(dir, 'node'), '#!/bin/sh\nprintf "%s|" "$GLIBC_TUNABLES" "$@"\n');
    chmodSync(join(dir, 'node'), 0o755);
    const started = (tunables: string | undefined) => {
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` };
      if (tunables === undefined) delete env.GLIBC_TUNABLES;
      else env.GLIBC_TUNABLES = tunables;
      const r = spawnSync(BIN, ['predict', 'two words', "it's"], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('|').slice(0, -1);
    };
    assert.deepEqual(started(undefined), ['glibc.malloc.hugetlb=1', BIN, 'predict', 'two words', "it's"]);
    assert.deepEqual(started('glibc.malloc.arena_max=2')[0], 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    assert.deepEqual(started('glibc.malloc.hugetlb=0')[0], 'glibc.malloc.hugetlb=0', "the user's choice stands");
    assert.deepEqual(
      started('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0')[0],
      'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0',
    );
  });

  it('--help lists every command', () => {
    const r = sentiment(['--help']);
    assert.equal(r.code, 0, r.err);
    for (const command of ['train', 'predict', 'evaluate', 'plot-history'])
      assert.match(r.out, new RegExp(`^  ${command}\\b`, 'm'));
  });
});

describe('exit codes', () => {
  it('a bug is exit 70 with its trace, apart from 1 (a command line commander cannot parse) and 2 (a refusal)', async () => {
    const { EXIT_INTERNAL, main } = await import('../../src/cli/main.ts');
    const write = process.stdout.write;
    const errWrite = process.stderr.write;
    let stderr = '';
    // A write that throws a plain Error stands in for any bug: nothing maps it to words.
    process.stdout.write = (() => {
      throw new Error('boom');
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => {
      stderr += chunk;
      return true;
    }) as typeof process.stderr.write;
    try {
      assert.equal(await main(['node', 'sentiment', '--help']), EXIT_INTERNAL);
    } finally {
      process.stdout.write = write;
      process.stderr.write = errWrite;
    }
    assert.equal(EXIT_INTERNAL, 70);
    assert.match(stderr, /internal error/);
    assert.match(stderr, /Error: boom\n\s+at /);
  });
});
