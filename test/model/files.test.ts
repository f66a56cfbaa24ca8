import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tokenizer } from '../../src/data/tokenizer.ts';
import { loadTokenizer, saveTokenizer } from '../../src/model/files.ts';
import { tempDir } from '../helpers.ts';

describe('model directory files', () => {
  it('writes the tokenizer in Keras format and reads it back', async () => {
    const tok = new Tokenizer({ numWords: 20 }).fitOnTexts(['a good film', 'a bad film']);
    const dir = tempDir();
    await saveTokenizer(tok, dir);
    const back = await loadTokenizer(dir);
    assert.deepEqual([...back.wordIndex], [...tok.wordIndex]);
    assert.deepEqual(back.textToSequence('good film'), tok.textToSequence('good film'));
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary files left');
    assert.ok(existsSync(join(dir, 'tokenizer.json')));
  });
});
