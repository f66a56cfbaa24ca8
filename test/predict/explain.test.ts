import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { cleanText } from '../../src/data/clean.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import { explainedWords, explainPredictions } from '../../src/predict/explain.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { speedLayer, tinyModel } from '../helpers.ts';

describe('explaining a prediction by occlusion', () => {
  let dir = '';
  before(async () => {
    dir = await tinyModel({ rows: 300 });
  });

  it("gives each cleaned word the drop in the predicted class's probability when it is left out, as the model computes each variant alone", async () => {
    const loaded = await loadModelDirectory(dir, undefined, await speedLayer());
    try {
      const predictor = new Predictor(loaded, { memory: false });
      const texts = ["It's not a good film, really!", 'xyzzy', 'a dull , tired film'];
      const { predictions } = predictor.predict(texts);
      const why = explainPredictions(predictor, texts, predictions);
      texts.forEach((t, i) => {
        const words = cleanText(t).split(' ');
        const w = why[i];
        assert.ok(w);
        assert.deepEqual(
          w.map((x) => x.token),
          words,
        );
        const k = predictions[i].index;
        words.forEach((_, j) => {
          const without = words.filter((__, q) => q !== j).join(' ');
          const alone = predictor.modelProbabilities([without]);
          const want = predictions[i].probabilities[k] - alone[k];
          assert.ok(Math.abs((w[j].contribution ?? Number.NaN) - want) < 1e-5, `${t}: word ${j}`);
        });
      });
    } finally {
      loaded.dispose();
    }
  });

  it('does not explain a text the phrase memory answered: the model did not decide it', async () => {
    const loaded = await loadModelDirectory(dir, undefined, await speedLayer());
    try {
      const predictor = new Predictor(loaded);
      const known = 'A series of escapades demonstrating the adage that what is good for the goose';
      const { predictions } = predictor.predict([known, 'zzz unseen']);
      assert.equal(predictions[0].source, 'memory');
      const why = explainPredictions(predictor, [known, 'zzz unseen'], predictions);
      assert.equal(why[0], null);
      assert.ok(why[1] && why[1].length === 2);
    } finally {
      loaded.dispose();
    }
  });

  it('costs what the model reads, not the text: unread words are exactly 0, at most max_len variants, each no longer than the words read', async () => {
    const loaded = await loadModelDirectory(dir, undefined, await speedLayer());
    try {
      const predictor = new Predictor(loaded, { memory: false });
      const cap = explainedWords(predictor);
      const maxLen = predictor.maxLen as number;
      assert.equal(cap, maxLen);
      const vocabulary = ['good', 'bad', 'film', 'not', 'the', 'xyzzy', 'qwerty', 'dull', 'a', ','];
      const calls: string[][] = [];
      const ask = (cleaned: string[]) => predictor.modelProbabilities(cleaned);
      const member = loaded.members[0];
      const predict = member.predict.bind(member);
      let spying = false;
      member.predict = (cleaned, o) => {
        if (spying) calls.push([...cleaned]);
        return predict(cleaned, o);
      };
      await fc.assert(
        fc.property(fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 4000 }), (words) => {
          calls.length = 0;
          const text = words.join(' ');
          const { predictions } = predictor.predict([text]);
          spying = true;
          const [why] = explainPredictions(predictor, [text], predictions);
          spying = false;
          assert.ok(why);
          const variants = calls.flat();
          assert.ok(variants.length <= cap, `${variants.length} variants for ${words.length} words`);
          const cleaned = cleanText(text).split(' ');
          const read = loaded.members[0].wordsRead?.(cleaned);
          assert.ok(read);
          assert.ok(read.length <= maxLen);
          for (const v of variants) assert.ok(v.split(' ').filter(Boolean).length < read.length);
          const k0 = predictions[0].index;
          const unread = cleaned.map((_, j) => j).filter((j) => !read.includes(j));
          for (const j of unread) assert.equal(why[j].contribution, 0);
          if (unread.length) {
            // The model agrees: leaving out an unread word changes nothing.
            const j = unread[unread.length - 1];
            const without = cleaned.filter((_, q) => q !== j).join(' ');
            assert.equal(ask([without])[k0], ask([cleaned.join(' ')])[k0]);
          }
          // A measured word's contribution is what the whole text without it gives.
          const j = cleaned.length - 1;
          const without = cleaned.filter((_, q) => q !== j).join(' ');
          const k = predictions[0].index;
          const want = predictions[0].probabilities[k] - ask([without])[k];
          assert.ok(Math.abs((why[j].contribution ?? Number.NaN) - want) < 1e-5);
        }),
        { numRuns: 25 },
      );
    } finally {
      loaded.dispose();
    }
  });
});
