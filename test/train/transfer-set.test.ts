import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { cleanTexts } from '../../src/data/encode.ts';
import { makeRng } from '../../src/data/random.ts';
import { foldSplit, heldOutRows, type RowSplit } from '../../src/data/split.ts';
import { readTable } from '../../src/data/table.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { AUGMENT_RATE, augmentTexts, type Augmented } from '../../src/train/transfer-set.ts';
import { trainHead } from '../helpers.ts';

describe('the transfer set: new texts made from the training rows', () => {
  let cleaned: string[] = [];
  let groups: string[] = [];
  const splits: [string, RowSplit][] = [];
  before(async () => {
    const table = await readTable(trainHead(3000), { labelled: true });
    cleaned = cleanTexts(table.rows.map((r) => r.text));
    groups = table.rows.map((r) => r.group ?? '');
    splits.push(['the validation split', heldOutRows(groups, DEFAULT_SETTINGS)]);
    for (let f = 0; f < 5; f++) splits.push([`fold ${f + 1} of 5`, foldSplit(groups, 5, f)]);
  });
  const made = (split: RowSplit, kinds = ['spans', 'dropout', 'neighbours'] as const, count = 600): Augmented =>
    augmentTexts(
      { cleaned, groups, trainRows: split.trainRows, heldOutRows: split.valRows },
      kinds,
      count,
      makeRng(1),
      (w) => (w.length > 3 ? [`${w}x`, `${w}y`] : []),
    );

  it('never makes the text of a held-out row, nor from a sentence with one (the split, and every fold)', () => {
    for (const [name, split] of splits) {
      const m = made(split);
      const heldOut = new Set(Array.from(split.valRows, (r) => cleaned[r]));
      const heldGroups = new Set(Array.from(split.valRows, (r) => groups[r]));
      const training = new Set(split.trainRows);
      assert.ok(m.texts.length > 500, `${name}: ${m.texts.length} texts`);
      m.texts.forEach((t, i) => {
        assert.ok(!heldOut.has(t), `${name}: "${t}" is a held-out row's text`);
        assert.ok(training.has(m.source[i]), `${name}: made from row ${m.source[i]}, not a training row`);
        assert.ok(!heldGroups.has(groups[m.source[i]]), `${name}: made from a sentence with a held-out row`);
      });
    }
  });

  it('makes only new texts: none is a row of the file, none twice', () => {
    const m = made(splits[0][1]);
    const rows = new Set(cleaned);
    assert.equal(new Set(m.texts).size, m.texts.length);
    for (const t of m.texts) assert.ok(!rows.has(t), t);
  });

  it('makes each kind as it says, shared evenly', () => {
    const m = made(splits[0][1]);
    const count = (k: string) => m.kind.filter((x) => x === k).length;
    assert.deepEqual([count('spans'), count('dropout'), count('neighbours')], [200, 200, 200]);
    m.texts.forEach((t, i) => {
      const words = t.split(' ');
      const source = cleaned[m.source[i]].split(' ');
      if (m.kind[i] === 'spans') {
        // A run of at least two words of the sentence, shorter than it.
        assert.ok(words.length >= 2 && words.length < source.length, t);
        assert.ok(` ${source.join(' ')} `.includes(` ${t} `), `"${t}" is not a run of "${source.join(' ')}"`);
      } else if (m.kind[i] === 'dropout') {
        assert.ok(words.length >= 1 && words.length < source.length, t);
        let j = 0;
        for (const w of source) if (w === words[j]) j++;
        assert.equal(j, words.length, `"${t}" keeps "${source.join(' ')}"'s words in order`);
      } else {
        assert.equal(words.length, source.length);
        const changed = words.filter((w, j) => w !== source[j]);
        assert.ok(changed.length >= 1, t);
        words.forEach((w, j) => assert.ok(w === source[j] || w === `${source[j]}x` || w === `${source[j]}y`, t));
      }
    });
    // About AUGMENT_RATE of a phrase's words are left out.
    const dropped = m.texts
      .map((t, i) => [t, i] as const)
      .filter(([, i]) => m.kind[i] === 'dropout')
      .map(([t, i]) => 1 - t.split(' ').length / cleaned[m.source[i]].split(' ').length);
    const mean = dropped.reduce((a, b) => a + b, 0) / dropped.length;
    assert.ok(mean > AUGMENT_RATE / 2 && mean < AUGMENT_RATE * 2, `left out ${mean}`);
  });

  it('is repeatable: the same seed makes the same texts', () => {
    assert.deepEqual(made(splits[1][1]).texts, made(splits[1][1]).texts);
  });

  it('makes fewer where the sources run out, and none from none', () => {
    const one = cleaned.findIndex((t) => !t.includes(' '));
    const m = augmentTexts(
      { cleaned, groups, trainRows: Int32Array.of(one), heldOutRows: new Int32Array(0) },
      ['spans', 'dropout', 'neighbours'],
      30,
      makeRng(1),
    );
    assert.deepEqual(m.texts, []);
    const none = augmentTexts(
      { cleaned, groups, trainRows: new Int32Array(0), heldOutRows: new Int32Array(0) },
      ['spans'],
      30,
      makeRng(1),
    );
    assert.deepEqual(none.texts, []);
  });
});
