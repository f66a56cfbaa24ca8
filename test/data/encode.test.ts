import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cleanTexts, SplitTexts, toSequences } from '../../src/data/encode.ts';
import { Tokenizer } from '../../src/data/tokenizer.ts';

const word = fc.constantFrom('good', 'Bad', 'film', 'not', 'it', "isn't", 'a-b', 'x', 'plot', 'zzz', 'Good', 'über');
const phrase = fc
  .array(fc.tuple(word, fc.constantFrom(' ', ' , ', '. ', '! ', '  ', '-')), { minLength: 0, maxLength: 12 })
  .map((parts) => parts.map(([w, sep]) => w + sep).join(''));
const settings = fc.record({
  numWords: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  oovToken: fc.option(fc.constantFrom('<OOV>', 'unk'), { nil: undefined }),
  lower: fc.boolean(),
  split: fc.constantFrom(' ', '-'),
  loaded: fc.boolean(),
});

describe('texts split once for several tokenizers', () => {
  it('gives each tokenizer the sequences and cut count toSequences gives', () => {
    fc.assert(
      fc.property(
        fc.array(phrase, { minLength: 1, maxLength: 25 }),
        fc.array(fc.tuple(settings, fc.array(phrase, { maxLength: 10 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        (texts, tokenizers, maxLen) => {
          const cleaned = cleanTexts(texts);
          const split = new SplitTexts(cleaned);
          for (const [{ loaded, ...options }, fitOn] of tokenizers) {
            const fitted = new Tokenizer(options).fitOnTexts(cleanTexts(fitOn));
            // A loaded tokenizer finds its first words in its JSON text, not its Map.
            const tokenizer = loaded ? Tokenizer.fromKerasJson(fitted.toKerasJson()) : fitted;
            const alone = loaded ? Tokenizer.fromKerasJson(fitted.toKerasJson()) : fitted;
            assert.deepEqual(split.sequences(tokenizer, maxLen), toSequences(cleaned, alone, maxLen));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
