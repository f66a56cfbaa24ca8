import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CODE_EXT, codeFile, PACKAGE_ROOT } from '../src/package-files.ts';
import { PACKAGE_VERSION } from '../src/version.ts';
import { ROOT } from './helpers.ts';

describe("the package's own files", () => {
  it('are found from the running code: the package root, and src/ when run from TypeScript', () => {
    assert.equal(join(PACKAGE_ROOT, '/'), join(ROOT, '/'));
    assert.equal(CODE_EXT, '.ts');
    assert.ok(existsSync(codeFile('engine/patches/wasm-thread-worker.cjs')));
    assert.ok(existsSync(codeFile(`web/sentiment${CODE_EXT}`)));
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(PACKAGE_VERSION, pkg.version);
  });
});
