/** `npm run setup:tensorflow`: a failed setup leaves nothing behind in the temporary folder. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, tempDir } from '../helpers.ts';

const SETUP = join(ROOT, 'native', 'tensorflow', 'setup.cjs');

describe('setup:tensorflow on a bad source', () => {
  it('a wheel without headers, a broken zip, a stray file: exit 2, one line, no extraction directory left', () => {
    const dir = tempDir();
    const wheel = join(dir, 'tensorflow_cpu-0-cp311-none-linux_x86_64.whl');
    const made = spawnSync('python3', [
      '-c',
      "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nz.writestr('tensorflow/libtensorflow_cc.so.2', b'x' * 4096)\nz.writestr('tensorflow/libtensorflow_framework.so.2', b'y')\nz.close()",
      wheel,
    ]);
    assert.equal(made.status, 0, String(made.stderr));
    const broken = join(dir, 'broken.whl');
    writeFileSync(broken, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]));
    const stray = join(dir, 'notes.txt');
    writeFileSync(stray, 'hello');
    for (const [source, message] of [
      [wheel, /no libtensorflow here/],
      [broken, /not a readable zip/],
      [stray, /neither a TensorFlow wheel/],
    ] as const) {
      const tmp = tempDir();
      const r = spawnSync(process.execPath, [SETUP, source], {
        encoding: 'utf8',
        env: { ...process.env, TMPDIR: tmp },
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(tmp), [], `left in the temporary folder after ${source}`);
    }
  });
});
