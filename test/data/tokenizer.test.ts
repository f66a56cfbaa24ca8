import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cleanText } from '../../src/data/clean.ts';
import {
  scanWordNumbers,
  SEED_FILTERS,
  Tokenizer,
  tokenizerJsonFacts,
  type KerasTokenizerJson,
} from '../../src/data/tokenizer.ts';
import { readLabelled } from '../../src/data/labels.ts';
import { FIXTURES, readFixture, TRAIN_TSV } from '../helpers.ts';

const golden = readFixture<KerasTokenizerJson>('golden/tokenizer_keras.json');

function parsedConfig(json: KerasTokenizerJson): Record<string, unknown> {
  const c = json.config as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    out[k] = typeof v === 'string' && (v.startsWith('{') || v.startsWith('[')) ? JSON.parse(v) : v;
  }
  return out;
}

describe('Tokenizer (Keras parity on data/train.tsv)', () => {
  let tok: Tokenizer;
  before(async () => {
    const table = await readLabelled(TRAIN_TSV);
    tok = new Tokenizer({ numWords: 8192, filters: SEED_FILTERS }).fitOnTexts(table.texts.map(cleanText));
  });

  it('produces the same parsed values as Keras to_json()', () => {
    const ours = parsedConfig(JSON.parse(tok.toJsonString()) as KerasTokenizerJson);
    const theirs = parsedConfig(golden);
    assert.deepEqual(Object.keys(ours), Object.keys(theirs));
    for (const key of Object.keys(theirs)) assert.deepEqual(ours[key], theirs[key], `config.${key}`);
  });

  it('writes the very text of the golden to_json() (real Keras may order word_docs differently)', () => {
    assert.equal(tok.toJsonString(), readFileSync(join(FIXTURES, 'golden/tokenizer_keras.json'), 'utf8'));
  });

  it('orders words by frequency, ties in first-seen order', () => {
    const expected = JSON.parse(golden.config.index_word) as Record<string, string>;
    for (let i = 1; i <= 15306; i++) assert.equal(tok.indexWord.get(i), expected[String(i)], `index ${i}`);
  });

  it('round-trips through Keras JSON, including a tokenizer Keras wrote', () => {
    const fromKeras = Tokenizer.fromKerasJson(golden);
    assert.equal(fromKeras.numWords, 8192);
    assert.equal(fromKeras.filters, SEED_FILTERS);
    assert.deepEqual(fromKeras.textToSequence('not good'), tok.textToSequence('not good'));
    const again = Tokenizer.fromKerasJson(tok.toJsonString());
    assert.deepEqual(parsedConfig(again.toKerasJson()), parsedConfig(tok.toKerasJson()));
  });

  it('compacted, keeps only the words it can index, gives every text the same sequence, and loads back', async () => {
    const compact = tok.compact();
    assert.equal(compact.wordIndex.size, 8191);
    assert.ok([...compact.wordIndex.values()].every((i) => i < 8192));
    const text = compact.toJsonString();
    assert.ok(text.length * 4 < tok.toJsonString().length, `${text.length} characters`);
    const back = Tokenizer.fromKerasJson(text);
    const table = await readLabelled(TRAIN_TSV);
    // Every phrase of the file, and words it never saw.
    for (const t of [...table.texts.map(cleanText), 'zzz unknown words , and the film'])
      assert.deepEqual(back.textToSequence(t), tok.textToSequence(t), t);
    const oov = new Tokenizer({ numWords: 3, oovToken: '<oov>' }).fitOnTexts(['a a a b b c', 'c d']);
    assert.deepEqual(oov.compact().textToSequence('a b c d e'), oov.textToSequence('a b c d e'));
    assert.deepEqual([...oov.compact().wordIndex.keys()], ['<oov>', 'a']);
  });

  it('splits words as text_to_word_sequence does, whatever the filters hold (regex syntax, astral characters)', () => {
    // Keras' definition, a character (code point) at a time.
    const keras = (text: string, filters: string, split: string, lower: boolean) => {
      let mapped = '';
      for (const ch of lower ? text.toLowerCase() : text) mapped += filters.includes(ch) ? split : ch;
      return mapped.split(split).filter((w) => w.length > 0);
    };
    const texts = [
      "It's a [great] film -- isn't it? ^_^ \\o/ $5 & 10% (really)",
      'naïve café ÉCOLE 😀 film😀 a\tb\nc',
      '',
      '   ',
      '-]^[\\ $& $1 $$',
    ];
    const cases: [string, string, boolean][] = [
      [SEED_FILTERS, ' ', true],
      ['-]^[\\', ' ', false],
      ['😀é', ' ', true],
      ['', ' ', true],
      ['$&', '$&', true],
      ['!?', '--', false],
    ];
    for (const [filters, split, lower] of cases) {
      const t = new Tokenizer({ filters, split, lower });
      for (const text of texts)
        assert.deepEqual(
          t.wordSequence(text),
          keras(text, filters, split, lower),
          `${JSON.stringify(filters)}: ${text}`,
        );
    }
  });

  it('drops indices at or past num_words and unknown words', () => {
    const seq = tok.textToSequence('the zzzunknownzzz film');
    assert.deepEqual(seq, [tok.wordIndex.get('the'), tok.wordIndex.get('film')]);
    const rare = [...tok.wordIndex.entries()].find(([, i]) => i >= 8192);
    assert.ok(rare);
    assert.deepEqual(tok.textToSequence(rare[0]), []);
  });

  it("writes Python's json.dumps text (ASCII-escaped, ', ' and ': ' separators)", () => {
    const t = new Tokenizer({ numWords: 10 }).fitOnTexts(['caf\u00e9 10 caf\u00e9', '2 x']);
    const text = t.toJsonString();
    assert.match(text, /^\{"class_name": "Tokenizer", "config": \{"num_words": 10, /);
    assert.ok(text.includes('caf\\\\u00e9'), 'non-ASCII escaped inside the nested JSON string');
    // Integer-like words keep their first-seen order (a JS object would sort them first).
    assert.ok(text.includes('\\"caf\\\\u00e9\\": 2, \\"10\\": 1, \\"2\\": 1, \\"x\\": 1'));
  });

  it('gives the OOV token index 1 and every unknown or rare word that index', () => {
    const t = new Tokenizer({ numWords: 3, oovToken: '<unk>' }).fitOnTexts(['a b a c b a']);
    assert.deepEqual(
      [...t.wordIndex],
      [
        ['<unk>', 1],
        ['a', 2],
        ['b', 3],
        ['c', 4],
      ],
    );
    assert.deepEqual(t.textToSequence('a zz b c'), [2, 1, 1, 1]);
    assert.deepEqual(new Tokenizer({ numWords: 3 }).fitOnTexts(['a b a c b a']).textToSequence('a zz b c'), [1, 2]);
  });

  it('needs as many embedding rows as indices in use: num_words, or every word and padding', () => {
    const texts = ['a b c d'];
    assert.equal(new Tokenizer({ numWords: 3 }).fitOnTexts(texts).vocabularySize, 3);
    assert.equal(new Tokenizer({ numWords: 100 }).fitOnTexts(texts).vocabularySize, 5);
    assert.equal(new Tokenizer({}).fitOnTexts(texts).vocabularySize, 5);
  });

  it('a loaded tokenizer writes back the very text it read, integer-like and escaped words in place', () => {
    const t = new Tokenizer({ numWords: 10 }).fitOnTexts(['caf\u00e9 10 caf\u00e9', '2 "x\\ 2', 'a\tb']);
    const text = t.toJsonString();
    assert.equal(Tokenizer.fromKerasJson(text).toJsonString(), text);
    assert.equal(Tokenizer.fromKerasJson(tok.toJsonString()).toJsonString(), tok.toJsonString());
  });

  it('reads {word: number} dictionaries by a scan that agrees with JSON.parse, or leaves them to it', () => {
    for (const text of [
      '{}',
      ' { } ',
      '{"a": 1}',
      '{"a":1,"b":22 , "10": 3}',
      '{"caf\\u00e9": 4, "q\\"uote": 5, "back\\\\slash": 6}',
      '{\n  "a": 0,\n  "b": 123456789012345\n}\n',
    ]) {
      const scanned = scanWordNumbers(text);
      assert.ok(scanned, text);
      const parsed = JSON.parse(text) as Record<string, number>;
      assert.deepEqual(Object.fromEntries(scanned), parsed, text);
    }
    // In the file's order, as Python's OrderedDict (a JS object would move "10" first).
    assert.deepEqual(
      [...(scanWordNumbers('{"b": 1, "10": 2}') ?? [])],
      [
        ['b', 1],
        ['10', 2],
      ],
    );
    for (const text of [
      '',
      '[1]',
      '{"a": 1.5}',
      '{"a": -1}',
      '{"a": 01}',
      '{"a": 1e3}',
      '{"a": "1"}',
      '{"a": 1, "a": 2}',
      '{"a": 1,}',
      '{"a": 1} x',
      '{"a": 1',
      '{"a" 1}',
      '{a: 1}',
      '{"a\u0001": 1}', // a raw control character
      '{"a": 1234567890123456}',
      '{"\\x": 1}',
    ])
      assert.equal(scanWordNumbers(text), null, text);
    // What the scan leaves is still read, or refused, as JSON.
    const loaded = Tokenizer.fromKerasJson({ ...golden, config: { ...golden.config, word_index: '{"a": 1, "a": 2}' } });
    assert.deepEqual([...loaded.wordIndex], [['a', 2]]);
  });

  it('a loaded tokenizer finds its first words in the text, as the whole index gives them', () => {
    // Every word of the file, each asked of a fresh load (found in the text) and of the built index.
    const text = tok.toJsonString();
    const words = [...tok.wordIndex.keys()];
    const asked = [...words.slice(0, 40), ...words.slice(-20), 'zzzq', '<unk>', 'x,y'];
    for (let i = 0; i < asked.length; i += 10) {
      const fresh = Tokenizer.fromKerasJson(text);
      for (const w of asked.slice(i, i + 10)) assert.equal(fresh.indexOf(w), tok.wordIndex.get(w), w);
    }
    const fresh = Tokenizer.fromKerasJson(text);
    const phrase = "a sleepy yet oddly lovable mess , is n't it ?";
    assert.deepEqual(fresh.textToSequence(phrase), tok.textToSequence(phrase));
    assert.deepEqual(fresh.indexRange(), tok.indexRange());
    // Past a few dozen words it builds the index, and answers from it alike; told of many, at once.
    const all = Tokenizer.fromKerasJson(text);
    for (const w of words.slice(0, 200)) assert.equal(all.indexOf(w), tok.wordIndex.get(w), w);
    const told = Tokenizer.fromKerasJson(text);
    told.expectLookups(asked.length);
    for (const w of asked) assert.equal(told.indexOf(w), tok.wordIndex.get(w), w);
  });

  it("learns a word_index's facts as a load does, and a load handed them makes no pass of its own", () => {
    const text = tok.toJsonString();
    const facts = tokenizerJsonFacts(text);
    assert.deepEqual(facts, { largest: tok.indexRange().largest, searchable: true });
    // Handed facts are believed (meta.json binds them to the file's sha256): a largest index that is not
    // the text's own shows they were used.
    const handed = Tokenizer.fromKerasJson(text, { largest: 7, searchable: true });
    assert.equal(handed.indexRange().largest, 7);
    for (const w of ['the', 'film', 'zzzq']) assert.equal(handed.indexOf(w), tok.wordIndex.get(w), w);
    // A word_index not in the plain form (an object, or a text the scan leaves to JSON.parse) has none.
    const asObject = { ...golden, config: { ...golden.config, word_index: { a: 1 } } } as unknown as KerasTokenizerJson;
    assert.equal(tokenizerJsonFacts(JSON.stringify(asObject)), null);
    assert.equal(
      tokenizerJsonFacts(JSON.stringify({ ...golden, config: { ...golden.config, word_index: '{"a": 0}' } })),
      null,
    );
    assert.equal(tokenizerJsonFacts('not json'), null);
  });

  it('answers what JSON.parse would, whatever the text holds around the word', () => {
    const cases: [string, string, number | undefined][] = [
      ['{"the": 1, "the": 2}', 'the', 2], // a repeated key: the last, as JSON.parse
      ['{"x,": 1, "y": 2}', 'y', 2],
      ['{"a\\"the": 1, "b": 2}', 'the', undefined], // inside another key
      ['{"q\\"": 1, "the": 2}', 'the', 2],
      ['{ "a" : 1 ,\n  "the"\t:\n 7 }', 'the', 7],
      ['{"\\u0074he": 3}', 'the', 3], // an escape spelling a plain word: the whole index answers
      ['{"th\\/e": 3, "th/e": 4}', 'th/e', 4],
      ['{"caf\\u00e9": 5, "the": 6}', 'caf\u00e9', 5], // a word not plain: the whole index answers
      ['{"caf\\u00e9": 5, "the": 6}', 'the', 6],
      ['{"the": 0}', 'the', 0], // an index below 1: read at once, and refused where it is used
    ];
    for (const [wordIndex, word, want] of cases) {
      const json = JSON.stringify({ ...golden, config: { ...golden.config, word_index: wordIndex } });
      assert.equal(Tokenizer.fromKerasJson(json).indexOf(word), want, `${wordIndex} ${word}`);
      assert.equal((JSON.parse(wordIndex) as Record<string, number>)[word], want, wordIndex);
    }
    const zero = Tokenizer.fromKerasJson({ ...golden, config: { ...golden.config, word_index: '{"a": 2, "b": 0}' } });
    assert.deepEqual(zero.indexRange(), { largest: 2, invalid: ['b', 0] });
  });

  it('a loaded tokenizer reads its dictionaries once, when first asked', () => {
    const loaded = Tokenizer.fromKerasJson(golden);
    const first = loaded.indexWord;
    assert.equal(loaded.indexWord, first);
    assert.equal(first.get(1), tok.indexWord.get(1));
    assert.equal(loaded.wordCounts, loaded.wordCounts);
  });

  it('refuses JSON that is not a Keras tokenizer, or whose dictionaries are not dictionaries', () => {
    for (const bad of [
      null,
      'x',
      { class_name: 'Sequential', config: {} },
      { class_name: 'Tokenizer' },
      { class_name: 'Tokenizer', config: null },
      { class_name: 'Tokenizer', config: 'x' },
    ]) {
      assert.throws(
        () => Tokenizer.fromKerasJson(JSON.stringify(bad)),
        /not a Keras tokenizer JSON/,
        JSON.stringify(bad),
      );
    }
    for (const wordIndex of ['[1, 2]', 'null', '3']) {
      assert.throws(
        () => Tokenizer.fromKerasJson({ ...golden, config: { ...golden.config, word_index: wordIndex } }),
        /tokenizer field word_index is not a dictionary/,
        wordIndex,
      );
    }
  });
});
