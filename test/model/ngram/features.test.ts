import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NGRAMS, ngramIds } from '../../../src/model/ngram/features.ts';
import { TfidfVectorizer } from '../../../src/model/ngram/vectorizer.ts';

const ids = (text: string, cfg = DEFAULT_NGRAMS) => {
  const out: number[] = [];
  ngramIds(text, cfg, out);
  return out;
};

describe('n-gram features', () => {
  it('makes word 1–3-grams and character 2–5-grams, words below 2^bits and characters above', () => {
    const cfg = { ...DEFAULT_NGRAMS, hashBits: 16 };
    const text = 'not a good film';
    const got = ids(text, cfg);
    const words = got.filter((id) => id < 1 << 16);
    const chars = got.filter((id) => id >= 1 << 16);
    assert.equal(words.length, 4 + 3 + 2);
    // " not a good film " has 17 characters: 16 + 15 + 14 + 13 n-grams of length 2..5.
    assert.equal(chars.length, 16 + 15 + 14 + 13);
    assert.ok(chars.every((id) => id < 2 << 16));
  });

  it('hashes the same n-gram the same way wherever it stands, and word order matters', () => {
    const a = ids('good film');
    const b = ids('a good film');
    assert.ok(
      a.filter((id) => id < 1 << 20).every((id) => b.includes(id)),
      'every word n-gram of "good film" is in "a good film"',
    );
    const ab = new Set(ids('good film').filter((id) => id < 1 << 20));
    const ba = new Set(ids('film good').filter((id) => id < 1 << 20));
    assert.notDeepEqual(ab, ba);
  });

  it('tf-idf: unit length per block, rarer n-grams weigh more, unseen buckets dropped', () => {
    const train = ['good film', 'good', 'bad film', 'good good fun'];
    const vec = TfidfVectorizer.fit(train, DEFAULT_NGRAMS);
    const x = vec.transform(['good film', 'zzz']);
    const charBase = 1 << DEFAULT_NGRAMS.hashBits;
    for (const block of [(b: number) => b < charBase, (b: number) => b >= charBase]) {
      let sum = 0;
      for (let e = x.rowStart[0]; e < x.rowStart[1]; e++) if (block(vec.buckets[x.cols[e]])) sum += x.vals[e] ** 2;
      assert.ok(Math.abs(sum - 1) < 1e-5, `block norm ${sum}`);
    }
    assert.equal(x.rowStart[2] - x.rowStart[1] < ids('zzz').length, true, 'unseen n-grams are not features');
    const [good] = ids('good').filter((id) => id < charBase);
    const [film] = ids('film').filter((id) => id < charBase);
    const idf = (bucket: number) => vec.idf[[...vec.buckets].indexOf(bucket)];
    assert.ok(idf(film) > idf(good), 'film (2 of 4 phrases) is rarer than good (3 of 4)');
  });
});
