/** The sub-phrase member: the labels of a phrase's longest parts that are training phrases. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { SUBPHRASE_CONFIG, SubphraseMember } from '../../src/model/subphrase-member.ts';
import { tempDir } from '../helpers.ts';

const phrases = ['not good', 'good', 'a film', 'not', 'film', 'it is fine'];
const labels = [0, 2, 1, 1, 1, 2];
const member = () => SubphraseMember.train(phrases, labels, [0, 1, 2, 3, 4, 5], 3);
const close = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  assert.deepEqual(
    Array.from(a, (x) => +x.toFixed(5)),
    Array.from(b, (x) => +x.toFixed(5)),
  );

describe('the sub-phrase member', () => {
  it('the prior is the training rows’ class frequencies; a phrase with no known part gets it', () => {
    const m = member();
    close(m.prior, [1 / 6, 3 / 6, 2 / 6]);
    close(m.predict(['something unseen']).probabilities, m.prior);
  });

  it('takes the longest known parts, weighted by length, and not the parts inside them', () => {
    // "not good" (2 words, label 0) is taken; "not" and "good" inside it add nothing; "a film" (2 words, label 1) too.
    const p = member().partsOf('not good a film');
    const prior = [1 / 6, 3 / 6, 2 / 6];
    const expected = [0, 1, 2].map((c) => (prior[c] + 2 * (c === 0 ? 1 : 0) + 2 * (c === 1 ? 1 : 0)) / 5);
    close(p, expected);
  });

  it('never answers from the whole phrase (that is the phrase memory’s job)', () => {
    const m = member();
    // "not good" is a training phrase; its own parts "not" (1) and "good" (2) answer.
    const p = m.partsOf('not good');
    close(
      p,
      [0, 1, 2].map((c) => (m.prior[c] + (c === 1 ? 1 : 0) + (c === 2 ? 1 : 0)) / 3),
    );
  });

  it('saves and loads: the same answers; a damaged config is refused naming the file', async () => {
    const dir = join(tempDir(), 'subphrase');
    const m = member();
    const files = await m.save(dir);
    assert.deepEqual(files.sort(), ['memory.tsv.gz', SUBPHRASE_CONFIG].sort());
    const back = await SubphraseMember.load(dir);
    const texts = ['not good a film', 'it is fine indeed', 'x'];
    close(back.predict(texts).probabilities, m.predict(texts).probabilities);
    assert.deepEqual(back.entry('subphrase'), { kind: 'subphrase', path: 'subphrase' });
    writeFileSync(join(dir, SUBPHRASE_CONFIG), JSON.stringify({ format_version: 1, classes: 3, prior: [1] }));
    await assert.rejects(SubphraseMember.load(dir), (e: unknown) => e instanceof InputError && /prior/.test(e.message));
  });
});
