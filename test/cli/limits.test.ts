/**
 * Every file the tool reads either streams or is refused with one line naming it and the limit
 * (src/fs/limits.ts): never a stack trace, a crash or a hang. Large files are sparse (no disk used)
 * or gzip members repeated (a small file that inflates far).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { LIMITS } from '../../src/fs/limits.ts';
import { sentiment, tempDir, tinyModel, trainHead } from '../helpers.ts';

const STACK = /^\s+at |node:internal/m;
const MB = 1024 * 1024;

/** A file of `bytes` that takes no disk: a hole. */
function sparse(path: string, bytes: number): string {
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

/** gzip members of 16 MB of `fill`, repeated: inflates to `bytes` from a few kilobytes. */
function gzipBomb(path: string, bytes: number, fill = 'a'): string {
  const member = gzipSync(Buffer.alloc(16 * MB, fill));
  writeFileSync(path, Buffer.concat(Array.from({ length: Math.ceil(bytes / (16 * MB)) }, () => member)));
  return path;
}

/** A copy of `model` whose meta.json lists no digests: the file's own reader is what meets it. */
function withoutDigests(model: string): string {
  const dir = join(tempDir(), 'model');
  cpSync(model, dir, { recursive: true });
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  delete meta.files;
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  return dir;
}

describe('size limits: one line naming the file and the limit', () => {
  let model = '';
  before(async () => {
    model = await tinyModel({ rows: 100 });
  });

  const refused = (args: string[], message: RegExp) => {
    const r = sentiment(args, { timeoutMs: 120_000 });
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, message);
    assert.doesNotMatch(r.err, STACK);
  };

  it('a JSON file of a model directory past the limit (meta.json, tokenizer.json, history.json)', () => {
    for (const file of ['meta.json', 'tokenizer.json']) {
      const dir = withoutDigests(model);
      sparse(join(dir, file), LIMITS.json + MB);
      refused(
        ['predict', 'an unseen zzz phrase', '--model', dir],
        new RegExp(`${file.replace('.', '\\.')}: is \\d+ MB, more than the 256 MB`),
      );
    }
    const history = sparse(join(tempDir(), 'history.json'), 1024 * MB);
    refused(['plot-history', '--history', history], /history\.json: is 1024 MB, more than the 256 MB a JSON file/);
  });

  it('a phrase memory that inflates past the limit', () => {
    const dir = withoutDigests(model);
    gzipBomb(join(dir, 'memory.tsv.gz'), LIMITS.memory + 16 * MB);
    refused(['predict', 'good', '--model', dir], /memory\.tsv\.gz: inflates to more than 256 MB/);
  });

  it('a data file past the limit, plain or gzip', () => {
    refused(
      ['train', sparse(join(tempDir(), 'big.tsv'), LIMITS.data + MB)],
      /big\.tsv: is \d+ MB, more than the 400 MB a data file/,
    );
    refused(
      ['train', gzipBomb(join(tempDir(), 'bomb.tsv.gz'), LIMITS.data + 16 * MB)],
      /bomb\.tsv\.gz: inflates to more than 400 MB/,
    );
  });

  it('a streamed text without line breaks: texts to classify and word vectors', () => {
    const texts = join(tempDir(), 'one-line.txt');
    writeFileSync(texts, 'good '.repeat((LIMITS.line + MB) / 5));
    refused(['predict', '--file', texts, '--model', model], /one-line\.txt:1: has a line longer than 16 MB/);
    const vectors = join(tempDir(), 'vectors.txt');
    writeFileSync(vectors, `the ${'0.1 '.repeat((LIMITS.line + MB) / 4)}`);
    refused(
      ['train', trainHead(50), '--preset', 'vectors', '--embeddings', vectors, '--out', join(tempDir(), 'm')],
      /vectors\.txt:1: has a line longer than 16 MB/,
    );
  });
});
