import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NGRAMS, ngramIds } from '../../../src/model/ngram/features.ts';
import { DistinctGrams, RowFeatures, TfidfVectorizer } from '../../../src/model/ngram/vectorizer.ts';

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

  it('distinct grams: each text keeps its ids once, ascending, with how often each came', () => {
    const grams = new DistinctGrams();
    // Past the first room for ids and texts: the arrays grow without losing what they hold.
    const texts = Array.from(
      { length: 80 },
      (_, i) => `good good film ${'a '.repeat(i % 7)}number ${i} ${'x'.repeat(i)}`,
    );
    for (const t of texts) grams.add(ids(t));
    assert.equal(grams.texts, texts.length);
    texts.forEach((t, k) => {
      const want = new Map<number, number>();
      for (const id of ids(t)) want.set(id, (want.get(id) ?? 0) + 1);
      const got = Array.from(grams.ids.subarray(grams.start[k], grams.start[k + 1]));
      assert.deepEqual(
        got,
        [...want.keys()].sort((a, b) => a - b),
        `text ${k}: distinct, ascending`,
      );
      assert.deepEqual(
        Array.from(grams.counts.subarray(grams.start[k], grams.start[k + 1])),
        got.map((id) => want.get(id)),
        `text ${k}: counts`,
      );
    });
    grams.clear();
    grams.add(ids('good'));
    assert.equal(grams.texts, 1);
    assert.equal(grams.size, new Set(ids('good')).size);
  });

  it("a text's row from shared grams is its tf-idf row, whichever text of the block it is", () => {
    const train = ['good film', 'good', 'bad film', 'good good fun', 'a film , a good one'];
    const vec = TfidfVectorizer.fit(train, DEFAULT_NGRAMS);
    const texts = ['good good film', 'zzz', 'a bad , bad film'];
    const x = vec.transform(texts);
    const grams = new DistinctGrams();
    for (const t of texts) grams.add(ids(t));
    const row = new RowFeatures();
    texts.forEach((_, r) => {
      const n = vec.rowFromGrams(grams, r, row);
      assert.deepEqual(
        Array.from(row.cols.subarray(0, n)),
        Array.from(x.cols.subarray(x.rowStart[r], x.rowStart[r + 1])),
      );
      assert.deepEqual(
        Array.from(row.vals.subarray(0, n)),
        Array.from(x.vals.subarray(x.rowStart[r], x.rowStart[r + 1])),
      );
    });
    // Term frequency: "bad" twice weighs twice its idf before the block is scaled.
    const charBase = 1 << DEFAULT_NGRAMS.hashBits;
    const [bad] = ids('bad').filter((id) => id < charBase);
    const [film] = ids('film').filter((id) => id < charBase);
    const f = (bucket: number) => [...vec.buckets].indexOf(bucket);
    const n = vec.rowFromGrams(grams, 2, row);
    const val = (feature: number) => row.vals[Array.from(row.cols.subarray(0, n)).indexOf(feature)];
    const ratio = val(f(bad)) / val(f(film));
    assert.ok(Math.abs(ratio - (2 * vec.idf[f(bad)]) / vec.idf[f(film)]) < 1e-5, `bad/film ${ratio}`);
  });
  it('an index table handed over answers as one built; shared where the buckets are', () => {
    const vec = TfidfVectorizer.fit(['good film', 'bad film', 'a good one'], DEFAULT_NGRAMS);
    assert.ok(!(vec.index.buffer instanceof SharedArrayBuffer), 'trained here: memory of its own');
    const texts = ['good film', 'zzz', 'a bad one'];
    const handed = new TfidfVectorizer(vec.config, vec.buckets, vec.idf, vec.index);
    assert.deepEqual(handed.transform(texts), vec.transform(texts));
    const buckets = new Int32Array(new SharedArrayBuffer(vec.buckets.byteLength));
    buckets.set(vec.buckets);
    const shared = new TfidfVectorizer(vec.config, buckets, vec.idf);
    assert.ok(shared.index.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(Array.from(shared.index), Array.from(vec.index));
    assert.throws(() => new TfidfVectorizer(vec.config, vec.buckets, vec.idf, new Int32Array(8)), RangeError);
  });
});
