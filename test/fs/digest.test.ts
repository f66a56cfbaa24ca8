import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileDigest, readDigested } from '../../src/fs/digest.ts';
import { tempDir } from '../helpers.ts';

describe('reading a file and its digest at once', () => {
  it('gives the bytes and the sha256 fileDigest gives, across chunk boundaries', async () => {
    const dir = tempDir();
    // Empty, one byte, and past two 4 MB chunks.
    for (const size of [0, 1, (8 << 20) + 12345]) {
      const path = join(dir, `f${size}`);
      const content = Buffer.alloc(size);
      for (let i = 0; i < size; i++) content[i] = (i * 7919) & 0xff;
      writeFileSync(path, content);
      const { bytes, sha256 } = await readDigested(path, size);
      assert.ok(bytes.equals(content), `${size} bytes`);
      assert.equal(sha256, (await fileDigest(path)).sha256);
      assert.equal(sha256, createHash('sha256').update(content).digest('hex'));
      // Shared: the same bytes and digest, in memory a worker thread is handed without a copy.
      const shared = await readDigested(path, size, { shared: true });
      assert.ok(shared.bytes.buffer instanceof SharedArrayBuffer);
      assert.ok(shared.bytes.equals(content), `${size} bytes, shared`);
      assert.equal(shared.sha256, sha256);
    }
  });

  it('reads no further than the size given, and stops early at a shorter file', async () => {
    const path = join(tempDir(), 'f');
    writeFileSync(path, 'abcdef');
    const first = await readDigested(path, 3);
    assert.equal(first.bytes.toString(), 'abc');
    assert.equal(first.sha256, createHash('sha256').update('abc').digest('hex'));
    const more = await readDigested(path, 10);
    assert.equal(more.bytes.toString(), 'abcdef', 'the bytes there are');
    await assert.rejects(readDigested(join(tempDir(), 'none'), 3), { code: 'ENOENT' });
  });
});
