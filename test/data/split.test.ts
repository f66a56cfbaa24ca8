import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { range, splitRows, validationSplitIndex } from '../../src/data/split.ts';
import { readFixture } from '../helpers.ts';

describe('validation split', () => {
  it("takes Keras' validation split: the last 10% of rows (row 140,454 of 156,060)", () => {
    const split = readFixture<{ rows: number; first_validation_row_index: number }>('golden/split.json');
    assert.equal(validationSplitIndex(split.rows, 0.1), split.first_validation_row_index);
    const { trainRows, valRows } = splitRows(split.rows, 0.1);
    assert.equal(trainRows.length, split.first_validation_row_index);
    assert.equal(valRows[0], split.first_validation_row_index);
    assert.equal(valRows[valRows.length - 1], split.rows - 1);
  });

  it('holds out nothing with a split of 0', () => {
    assert.deepEqual(splitRows(5, 0), { trainRows: range(0, 5), valRows: range(5, 5) });
  });
});
