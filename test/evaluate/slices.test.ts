import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracyBy } from '../../src/evaluate/slices.ts';

describe('accuracy by slices', () => {
  it('groups values into ranges from each start (the last open) and scores each', () => {
    const lengths = [1, 1, 2, 4, 5, 9, 40];
    const right = [true, false, true, true, false, true, true];
    const slices = accuracyBy(lengths, right, [1, 2, 3, 6]);
    assert.deepEqual(
      slices.map((s) => [s.label, s.count, s.accuracy]),
      [
        ['1', 2, 0.5],
        ['2', 1, 1],
        ['3–5', 2, 0.5],
        ['6+', 2, 1],
      ],
    );
  });

  it('leaves out values below the first start and says NaN for an empty range', () => {
    const slices = accuracyBy([0, 3], [true, false], [1, 2, 3]);
    assert.deepEqual(
      slices.map((s) => s.count),
      [0, 0, 1],
    );
    assert.ok(Number.isNaN(slices[0].accuracy));
  });
});
