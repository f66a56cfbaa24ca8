import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cleanTexts } from '../../../src/data/encode.ts';
import { makeRng } from '../../../src/data/random.ts';
import { NgramMember } from '../../../src/model/ngram/member.ts';
import { trainNgram } from '../../../src/train/train-ngram.ts';
import { tempDir } from '../../helpers.ts';

const TEXTS = cleanTexts([
  'a great film',
  'great acting',
  'a terrible film',
  'terrible acting , awful',
  'it is a film',
  'the film',
]);
const LABELS = [4, 4, 0, 0, 2, 2];

const trained = await trainNgram(TEXTS, LABELS, 5, makeRng(1), {
  config: { wordN: [1, 3], charN: [2, 5], hashBits: 16 },
  epochs: 30,
  learningRate: 0.5,
  batchSize: 2,
});
assert.ok(trained);
const member: NgramMember = trained;

describe('the n-gram member', () => {
  it('learns its training phrases and gives each text probabilities summing to 1', () => {
    const p = member.predict(TEXTS).probabilities;
    TEXTS.forEach((_, i) => {
      const row = Array.from(p.subarray(i * 5, i * 5 + 5));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      assert.equal(row.indexOf(Math.max(...row)), LABELS[i], TEXTS[i]);
    });
  });

  it('saves and loads to the same predictions; a text scores the same alone and with others', async () => {
    const dir = tempDir();
    const files = await member.save(dir);
    assert.deepEqual(files, ['ngram.json', 'ngram.bin']);
    const back = await NgramMember.load(dir);
    const texts = cleanTexts(['great , great film', 'awful', 'unseen words only']);
    assert.deepEqual(back.predict(texts).probabilities, member.predict(texts).probabilities);
    assert.deepEqual(back.predict([texts[1]]).probabilities, member.predict(texts).probabilities.slice(5, 10));
  });

  it('scored together with members of its settings, each gives what it gives alone; others are refused', async () => {
    const second = await trainNgram(TEXTS.slice(1), LABELS.slice(1), 5, makeRng(2), {
      config: { wordN: [1, 3], charN: [2, 5], hashBits: 16 },
      epochs: 10,
      learningRate: 0.5,
      batchSize: 2,
    });
    const other = await trainNgram(TEXTS, LABELS, 5, makeRng(3), {
      config: { wordN: [1, 2], charN: [2, 5], hashBits: 16 },
      epochs: 10,
      learningRate: 0.5,
      batchSize: 2,
    });
    assert.ok(second && other);
    assert.equal(second.shareKey, member.shareKey);
    assert.notEqual(other.shareKey, member.shareKey);
    // More texts than one block of shared ids, so blocks meet; one longer than the working room a row
    // starts with (256 n-grams).
    const texts = cleanTexts(
      Array.from({ length: 2500 }, (_, i) =>
        i === 1234 ? TEXTS.join(' and ').repeat(4) : `${TEXTS[i % 6]} ${i % 7 ? 'film' : 'awful , great'} ${i}`,
      ),
    );
    const together = member.predictTogether([member, second], texts);
    // What training scores: the whole matrix at once.
    assert.deepEqual(together[0].probabilities, member.model.predict(member.vectorizer.transform(texts)));
    assert.deepEqual(together[1].probabilities, second.model.predict(second.vectorizer.transform(texts)));
    assert.deepEqual(together[1].probabilities, second.predict(texts).probabilities);
    assert.throws(() => member.predictTogether([member, other], texts), TypeError);
  });

  it('refuses a truncated or mismatched file, naming it', async () => {
    const dir = tempDir();
    await member.save(dir);
    const cut = tempDir();
    await member.save(cut);
    truncateSync(join(cut, 'ngram.bin'), 100);
    await assert.rejects(NgramMember.load(cut), /ngram\.bin: has 100 bytes, ngram\.json declares \d+/);
    const json = JSON.parse(readFileSync(join(dir, 'ngram.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'ngram.json'), JSON.stringify({ ...json, classes: 1 }));
    await assert.rejects(NgramMember.load(dir), /ngram\.json: features or classes is missing or invalid/);
  });

  it("reports each epoch's end once, also when it falls on a progress step", async () => {
    // 4 rows a batch at a time: epoch 64 ends on step 256, where progress is reported anyway.
    const ends: number[] = [];
    const model = await trainNgram(
      TEXTS.slice(0, 4),
      LABELS.slice(0, 4),
      5,
      makeRng(1),
      { config: { wordN: [1, 1], charN: [2, 2], hashBits: 12 }, epochs: 65, learningRate: 0.5, batchSize: 1 },
      { onProgress: (p) => p.phase === 'epoch' && p.done === p.total && ends.push(p.epoch) },
    );
    assert.ok(model);
    assert.deepEqual(
      ends,
      Array.from({ length: 65 }, (_, i) => i + 1),
    );
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort('SIGINT');
    assert.equal(await trainNgram(TEXTS, LABELS, 5, makeRng(1), undefined, { signal: controller.signal }), null);
  });
});
