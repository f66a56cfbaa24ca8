import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readTextLines, type TextLine } from '../../src/predict/lines.ts';
import { tempDir } from '../helpers.ts';

async function collect(gen: AsyncGenerator<TextLine[]>): Promise<TextLine[][]> {
  const out: TextLine[][] = [];
  for await (const chunk of gen) out.push(chunk);
  return out;
}

describe('readTextLines', () => {
  it('streams a file in chunks with line numbers, dropping a BOM and CRLF line ends', async () => {
    const path = join(tempDir(), 'texts.txt');
    writeFileSync(path, '\uFEFFnot good\r\ngreat film\r\nmeh\r\n');
    const chunks = await collect(readTextLines(path, 2));
    assert.deepEqual(chunks, [
      [{ text: 'not good', line: 1 }, { text: 'great film', line: 2 }],
      [{ text: 'meh', line: 3 }],
    ]);
  });

  it("reads standard input for '-'", async () => {
    const chunks = await collect(readTextLines('-', 10, Readable.from(['one\ntw', 'o\nthree'])));
    assert.deepEqual(chunks.flat().map((l) => l.text), ['one', 'two', 'three']);
  });

  it('names a missing file or a directory', async () => {
    await assert.rejects(collect(readTextLines(join(tempDir(), 'nope.txt'), 5)), /nope\.txt: no such file/);
    await assert.rejects(collect(readTextLines(tempDir(), 5)), /is a directory, expected a text file/);
  });
});
