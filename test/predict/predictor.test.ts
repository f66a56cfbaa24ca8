import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadModelDirectory } from '../../src/model/directory.ts';
import { cleanTexts } from '../../src/data/encode.ts';
import { SequenceMember } from '../../src/model/sequence-member.ts';
import { Predictor } from '../../src/predict/predictor.ts';
import { tinyModel } from '../helpers.ts';

const TEXTS = [
  'not good',
  'a masterpiece , brilliant and moving',
  'the worst movie of the year',
  'xyzzy plugh', // no known word
  'good',
  'A series of escapades demonstrating the adage that what is good for the goose is also good for the gander',
  'not good', // a repeat in another position
  'it is a film',
];

function maxDiff(a: number[], b: number[]): number {
  return Math.max(...a.map((x, i) => Math.abs(x - b[i])));
}

describe('Predictor', () => {
  const dirs: Record<'group' | 'max', string> = { group: '', max: '' };
  before(async () => {
    dirs.group = await tinyModel({ pad: 'group' });
    dirs.max = await tinyModel({ pad: 'max' });
  });

  for (const mode of ['group', 'max'] as const) {
    it(`gives a phrase the same probabilities alone and among phrases of other lengths (${mode} batching)`, async () => {
      const loaded = await loadModelDirectory(dirs[mode]);
      assert.equal((loaded.members[0] as SequenceMember).input.batching, mode);
      const alone = TEXTS.map((t) => new Predictor(loaded).predict([t]).predictions[0]);
      for (const batchSize of [1, 3, 512]) {
        const together = new Predictor(loaded, { batchSize }).predict(TEXTS).predictions;
        together.forEach((p, i) => {
          assert.ok(maxDiff(p.probabilities, alone[i].probabilities) <= 1e-5, `${TEXTS[i]} (batch size ${batchSize})`);
          assert.equal(p.label, alone[i].label);
        });
      }
      loaded.dispose();
    });
  }

  it('returns five probabilities summing to 1, the label being the most likely class', async () => {
    const loaded = await loadModelDirectory(dirs.group);
    const { predictions } = new Predictor(loaded).predict(TEXTS);
    assert.equal(predictions.length, TEXTS.length);
    for (const p of predictions) {
      assert.equal(p.probabilities.length, 5);
      assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      assert.equal(p.probabilities[p.label], Math.max(...p.probabilities));
    }
    loaded.dispose();
  });

  it("cuts a text longer than the model's length to its last tokens, as pad_sequences does, and counts it", async () => {
    const loaded = await loadModelDirectory(dirs.group);
    const predictor = new Predictor(loaded);
    const maxLen = (loaded.members[0] as SequenceMember).input.maxLen;
    const words = Array.from({ length: maxLen + 20 }, (_, i) => (i % 3 === 0 ? 'good' : i % 3 === 1 ? 'goose' : 'story'));
    const long = words.join(' ');
    const tail = words.slice(20).join(' ');
    const a = predictor.predict([long, 'fine']);
    const b = predictor.predict([tail]);
    assert.equal(a.truncated, 1);
    assert.equal(b.truncated, 0);
    const member = loaded.members[0] as SequenceMember;
    assert.deepEqual(member.encode(cleanTexts([long])).sequences[0], member.encode(cleanTexts([tail])).sequences[0]);
    assert.ok(maxDiff(a.predictions[0].probabilities, b.predictions[0].probabilities) <= 1e-6);
    loaded.dispose();
  });
});
