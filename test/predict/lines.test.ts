import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readTextLines, type LineChunk } from '../../src/predict/lines.ts';
import { LIMITS } from '../../src/fs/limits.ts';
import { tempDir } from '../helpers.ts';

async function collect(gen: AsyncGenerator<LineChunk>): Promise<LineChunk['lines'][]> {
  const out: LineChunk['lines'][] = [];
  for await (const chunk of gen) out.push(chunk.lines);
  return out;
}

describe('readTextLines', () => {
  it('streams a file in chunks with line numbers, dropping a BOM and CRLF line ends', async () => {
    const path = join(tempDir(), 'texts.txt');
    writeFileSync(path, '\uFEFFnot good\r\ngreat film\r\nmeh\r\n');
    const chunks = await collect(readTextLines(path, 2));
    assert.deepEqual(chunks, [
      [
        { text: 'not good', line: 1 },
        { text: 'great film', line: 2 },
      ],
      [{ text: 'meh', line: 3 }],
    ]);
  });

  it("reads standard input for '-'", async () => {
    const chunks = await collect(readTextLines('-', 10, Readable.from(['one\ntw', 'o\nthree'])));
    assert.deepEqual(
      chunks.flat().map((l) => l.text),
      ['one', 'two', 'three'],
    );
  });

  it('names a missing file or a directory', async () => {
    await assert.rejects(collect(readTextLines(join(tempDir(), 'nope.txt'), 5)), /nope\.txt: no such file/);
    await assert.rejects(collect(readTextLines(tempDir(), 5)), /is a directory, expected a text file/);
  });

  it('skips blank lines and counts them; refuses invalid UTF-8 naming the line, and an input with no text', async () => {
    const blanks: number[] = [];
    for await (const c of readTextLines('-', 10, Readable.from(['good\n\n  \nbad\n\n']))) blanks.push(c.blank);
    assert.equal(
      blanks.reduce((a, b) => a + b, 0),
      3,
    );
    const bad = join(tempDir(), 'bad.txt');
    writeFileSync(bad, Buffer.concat([Buffer.from('fine\nok\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    await assert.rejects(collect(readTextLines(bad, 5)), /bad\.txt:3: invalid UTF-8/);
    const empty = join(tempDir(), 'empty.txt');
    writeFileSync(empty, '');
    await assert.rejects(collect(readTextLines(empty, 5)), /empty\.txt: the input is empty/);
    writeFileSync(empty, '\n \n');
    await assert.rejects(collect(readTextLines(empty, 5)), /empty\.txt: holds only blank lines/);
  });

  it('a line of exactly the size limit is read; one byte more is refused, naming its line', async () => {
    const limit = LIMITS.line;
    const file = join(tempDir(), 'long.txt');
    writeFileSync(file, `first\nsecond\n${'x'.repeat(limit)}`);
    const lines = (await collect(readTextLines(file, 10))).flat();
    assert.equal(lines.length, 3);
    writeFileSync(file, `first\nsecond\n${'x'.repeat(limit + 1)}`);
    await assert.rejects(collect(readTextLines(file, 10)), /long\.txt:3: has a line longer than/);
  });

  it('yields no empty chunk after a full one', async () => {
    const chunks: LineChunk[] = [];
    for await (const c of readTextLines('-', 2, Readable.from(['a\nb\nc\nd\n']))) chunks.push(c);
    assert.deepEqual(
      chunks.map((c) => c.lines.map((l) => l.text)),
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    );
  });
});
