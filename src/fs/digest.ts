/** A file's size and sha256, read as a stream: what meta.json records of each model file, and checks. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface FileDigest {
  bytes: number;
  sha256: string;
}

export async function fileDigest(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Bytes read at a time by readDigested: large enough to keep the reads few, small enough to hash between them. */
const CHUNK = 4 << 20;

/**
 * A file's first `size` bytes, read into one buffer and hashed a chunk at a time as they arrive: each
 * chunk is hashed while the next is read (a cold start of `best` read its 265 MB, then hashed them).
 * Fewer bytes than `size` when the file is shorter. Node's file errors as they come.
 */
export async function readDigested(
  path: string,
  size: number,
  opts: { shared?: boolean } = {},
): Promise<{ bytes: Buffer; sha256: string }> {
  // A buffer of its own, as readFile gives (a small one from Node's shared pool would sit at an offset);
  // `shared`: in a SharedArrayBuffer, which worker threads are handed without a copy.
  const bytes = opts.shared ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.allocUnsafeSlow(size);
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  let at = 0;
  try {
    let next = size > 0 ? file.read(bytes, 0, Math.min(CHUNK, size), 0) : null;
    while (next) {
      const { bytesRead } = await next;
      const from = at;
      at += bytesRead;
      next = bytesRead > 0 && at < size ? file.read(bytes, at, Math.min(CHUNK, size - at), at) : null;
      hash.update(bytes.subarray(from, at));
    }
  } finally {
    await file.close();
  }
  return { bytes: at === size ? bytes : bytes.subarray(0, at), sha256: hash.digest('hex') };
}
