import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinOutOfFold } from '../../bench/join-out-of-fold.ts';
import { OutOfFold, type OutOfFoldTable } from '../../src/train/out-of-fold.ts';

function table(kinds: string[], foldOf: number[], rowLabels: number[], fill: number): OutOfFoldTable {
  const oof = new OutOfFold(foldOf.length, 2);
  oof.foldOf.set(foldOf);
  for (const _ of kinds) oof.probabilities.push(new Float32Array(foldOf.length * 2).fill(fill));
  return { kinds, oof, rowLabels: Int32Array.from(rowLabels), labels: ['neg', 'pos'] };
}

describe('bench:stack joining out-of-fold tables', () => {
  it('puts the members of tables of the same rows side by side, naming each by its table', () => {
    const j = joinOutOfFold(
      [table(['bilstm', 'ngram'], [0, 1, 1], [1, 0, 1], 0.5), table(['bilstm'], [0, 1, 1], [1, 0, 1], 0.25)],
      ['a.gz', 'b.gz'],
    );
    assert.deepEqual(j.kinds, ['bilstm#1', 'ngram#1', 'bilstm#2']);
    assert.deepEqual(
      j.probabilities.map((p) => p[0]),
      [0.5, 0.5, 0.25],
    );
    assert.equal(j.folds, 2);
    assert.equal(j.rows, 3);
    assert.equal(j.k, 2);
  });

  it('keeps the kinds as they are for one table', () => {
    assert.deepEqual(joinOutOfFold([table(['bilstm', 'ngram'], [0, 1], [0, 1], 0.5)], ['a.gz']).kinds, [
      'bilstm',
      'ngram',
    ]);
  });

  it('refuses tables of other folds or labels, naming the file', () => {
    const a = table(['bilstm'], [0, 1, 1], [1, 0, 1], 0.5);
    assert.throws(() => joinOutOfFold([a, table(['ngram'], [1, 0, 1], [1, 0, 1], 0.5)], ['a.gz', 'b.gz']), /b\.gz/);
    assert.throws(() => joinOutOfFold([a, table(['ngram'], [0, 1, 1], [0, 0, 1], 0.5)], ['a.gz', 'c.gz']), /c\.gz/);
    assert.throws(() => joinOutOfFold([a, table(['ngram'], [0, 1], [1, 0], 0.5)], ['a.gz', 'd.gz']), /d\.gz/);
  });
});
