/** The out-of-fold table: gathered fold by fold, written as oof.tsv.gz, read back. */
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { OutOfFold, outOfFoldGzip, readOutOfFoldGzip } from '../../src/train/out-of-fold.ts';

function table() {
  const oof = new OutOfFold(4, 3);
  // fold 0 held rows 1 and 3, fold 1 rows 0 and 2; two members.
  oof.add(0, Int32Array.from([1, 3]), [
    Float32Array.from([0.1, 0.2, 0.7, 0.6, 0.3, 0.1]),
    Float32Array.from([0.2, 0.2, 0.6, 0.5, 0.25, 0.25]),
  ]);
  oof.add(1, Int32Array.from([0, 2]), [
    Float32Array.from([0.3, 0.3, 0.4, 0.9, 0.05, 0.05]),
    Float32Array.from([1 / 3, 1 / 3, 1 / 3, 0.8, 0.1, 0.1]),
  ]);
  return { kinds: ['lstm', 'ngram'], oof, rowLabels: Int32Array.from([2, 2, 0, 0]), labels: ['neg', 'mid', 'pos'] };
}

describe('out-of-fold table', () => {
  it('reads back what it wrote: members, folds, labels and probabilities (to 5 decimals)', () => {
    const t = table();
    const back = readOutOfFoldGzip(outOfFoldGzip(t), 'oof.tsv.gz');
    assert.deepEqual(back.kinds, t.kinds);
    assert.deepEqual(back.labels, t.labels);
    assert.deepEqual([...back.rowLabels], [...t.rowLabels]);
    assert.deepEqual([...back.oof.foldOf], [1, 0, 1, 0]);
    assert.equal(back.oof.k, 3);
    back.oof.probabilities.forEach((p, m) =>
      p.forEach((x, i) => assert.ok(Math.abs(x - t.oof.probabilities[m][i]) < 1e-5, `member ${m} cell ${i}`)),
    );
  });

  it('names the file and line of a row it cannot read', () => {
    const lines = gunzipSync(outOfFoldGzip(table())).toString('utf8').split('\n');
    lines[3] = lines[3].replace(/\tneg\t|\tpos\t/, '\tmaybe\t');
    assert.throws(
      () => readOutOfFoldGzip(gzipSync(lines.join('\n')), 'x/oof.tsv.gz'),
      (e: unknown) => e instanceof InputError && e.file === 'x/oof.tsv.gz' && e.line === 4,
    );
    assert.throws(
      () => readOutOfFoldGzip(gzipSync('a\tb\n1\t2\n'), 'y.gz'),
      (e: unknown) => e instanceof InputError && e.line === 1,
    );
  });

  it('refuses a probability that is not one, and a file that is not gzip', () => {
    const lines = gunzipSync(outOfFoldGzip(table())).toString('utf8').split('\n');
    for (const bad of ['', 'x', '1.5', '-0.1', 'NaN']) {
      const cells = lines[2].split('\t');
      cells[4] = bad;
      const edited = [...lines];
      edited[2] = cells.join('\t');
      assert.throws(
        () => readOutOfFoldGzip(gzipSync(edited.join('\n')), 'z.gz'),
        (e: unknown) => e instanceof InputError && e.line === 3 && /probability/.test(e.message),
        `cell ${JSON.stringify(bad)}`,
      );
    }
    assert.throws(
      () => readOutOfFoldGzip(new TextEncoder().encode('row\tfold\tlabel\n'), 'plain.tsv'),
      (e: unknown) => e instanceof InputError && e.file === 'plain.tsv',
    );
  });
});
