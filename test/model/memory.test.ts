import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { cleanTexts } from '../../src/data/encode.ts';
import { PhraseMemory } from '../../src/model/memory.ts';
import { loadMemory, saveMemory } from '../../src/model/memory-file.ts';
import { tempDir } from '../helpers.ts';

describe('phrase memory', () => {
  const texts = ['A gorgeous , witty film', 'Dull', 'dull', "It's not bad", 'the validation phrase'];
  const labels = [4, 1, 0, 3, 2];
  const cleaned = cleanTexts(texts);
  // The last row stands for a validation row: never in memory.
  const memory = PhraseMemory.build(cleaned, labels, [0, 1, 2, 3], 5);

  it('returns the stored label frequencies for a training phrase, folded as the cleaner folds it', () => {
    assert.deepEqual(Array.from(memory.lookup(cleanTexts(['a   GORGEOUS, witty film'])[0]) ?? []), [0, 0, 0, 0, 1]);
    assert.deepEqual(
      Array.from(memory.lookup(cleanTexts(['It’s not bad'.replace('’', "'")])[0]) ?? []),
      [0, 0, 0, 1, 0],
    );
  });

  it('counts a phrase seen with two labels as their frequencies', () => {
    assert.deepEqual(Array.from(memory.lookup('dull') ?? []), [0.5, 0.5, 0, 0, 0]);
  });

  it('knows nothing of rows it was not built from (validation rows) or of unseen text', () => {
    assert.equal(memory.lookup(cleaned[4]), null);
    assert.equal(memory.lookup('a gorgeous film'), null);
    assert.equal(memory.size, 3);
  });

  it('saves and loads the same entries', async () => {
    const dir = tempDir();
    await saveMemory(memory, dir);
    const back = await loadMemory(dir, 5);
    assert.equal(back.size, memory.size);
    for (const c of cleaned) assert.deepEqual(back.lookup(c), memory.lookup(c));
  });

  it('refuses a memory file whose labels do not fit the model, naming file and line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'memory.tsv.gz'), gzipSync('2:1\tfine\n7:1\tbad label\n'));
    await assert.rejects(loadMemory(dir, 5), /memory\.tsv\.gz:2: expected label:count pairs for 5 classes/);
  });

  it('skips a phrase that cleans to nothing and goes on with the rows after it', () => {
    const m = PhraseMemory.build(['fine', '', 'good'], [1, 2, 3], [0, 1, 2], 5);
    assert.equal(m.size, 2);
    assert.deepEqual(Array.from(m.lookup('good') ?? []), [0, 0, 0, 1, 0]);
    assert.equal(m.lookup(''), null);
  });

  it('writes one line per phrase with only the labels it carried', async () => {
    const dir = tempDir();
    await saveMemory(memory, dir);
    const lines = gunzipSync(readFileSync(join(dir, 'memory.tsv.gz')))
      .toString('utf8')
      .split('\n');
    assert.deepEqual(lines, ['4:1\ta gorgeous , witty film', '0:1,1:1\tdull', '3:1\tit is not bad', '']);
  });

  it('finds every phrase of a loaded file, before and after it builds its index, and one without a final newline', async () => {
    const dir = tempDir();
    const phrases = Array.from({ length: 150 }, (_, i) => `phrase ${i}`);
    writeFileSync(join(dir, 'memory.tsv.gz'), gzipSync(phrases.map((p, i) => `${i % 5}:${i + 1}\t${p}`).join('\n')));
    const m = await loadMemory(dir, 5);
    assert.equal(m.size, 150);
    // The last line, which has no newline, found by the first lookup (a scan of the text).
    assert.deepEqual(Array.from(m.lookup('phrase 149') ?? []), [0, 0, 0, 0, 1]);
    // More lookups than are answered by scanning the text: the later ones go through the index.
    for (let round = 0; round < 2; round++) {
      phrases.forEach((p, i) =>
        assert.deepEqual(
          Array.from(m.lookup(p) ?? []),
          [0, 1, 2, 3, 4].map((l) => (l === i % 5 ? 1 : 0)),
          `${p}, round ${round}`,
        ),
      );
      assert.equal(m.lookup('phrase 150'), null);
      assert.equal(m.lookup('phrase 1\n0:2\tphrase'), null, 'a text across lines is no phrase');
    }
  });

  it('holds no phrase a memory file could not: a text with a tab or a line break is never found, built or loaded', () => {
    // The library takes any strings; memory.tsv.gz cannot hold these, so a built memory must not answer them either.
    const raw = PhraseMemory.build(['a\tb', 'c\nd', 'plain'], [1, 2, 3], [0, 1, 2], 5);
    assert.equal(raw.lookup('a\tb'), null);
    assert.equal(raw.lookup('c\nd'), null);
    assert.deepEqual(Array.from(raw.lookup('plain') ?? []), [0, 0, 0, 1, 0]);
  });
});
