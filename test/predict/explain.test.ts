import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { cleanText } from '../../src/data/clean.ts';
import { loadModelDirectory } from '../../src/model/directory.ts';
import { explainPredictions } from '../../src/predict/explain.ts';
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
          assert.ok(Math.abs(w[j].contribution - want) < 1e-5, `${t}: word ${j}`);
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
});
