import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  foldSplit,
  groupedSplit,
  heldOutRows,
  range,
  shuffledSplit,
  splitRows,
  validationSplitIndex,
} from '../../src/data/split.ts';
import { makeRng } from '../../src/data/random.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
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

  it("cuts where Keras' int(n * (1. - split)) does, also where rounding would not (values from Python)", () => {
    const python: [number, number, number][] = [
      [15, 0.1, 13],
      [25, 0.1, 22],
      [7, 0.1, 6],
      [103, 0.1, 92],
      [10, 0.25, 7],
      [100, 0.3, 70],
      [3, 0.5, 1],
      [19, 0.2, 15],
      [1001, 0.15, 850],
    ];
    for (const [n, s, at] of python) {
      const { trainRows, valRows } = splitRows(n, s);
      assert.deepEqual([trainRows.length, valRows[0], valRows.length], [at, at, n - at], `${n} rows, split ${s}`);
    }
  });

  it("a run's held-out rows of the Kaggle file are its last 10%, as training and evaluate --validation take them", () => {
    const { rows, first_validation_row_index: first } = readFixture<{
      rows: number;
      first_validation_row_index: number;
    }>('golden/split.json');
    const held = heldOutRows(
      Array.from({ length: rows }, (_, i) => `line ${i + 2}`),
      DEFAULT_SETTINGS,
    );
    assert.deepEqual(
      [held.trainRows.length, held.valRows[0], held.valRows.at(-1), held.valRows.length],
      [first, first, rows - 1, rows - first],
    );
  });

  it('with groups, moves the cut forward to the next group boundary, never splitting one', () => {
    // 20 rows, cut at 18 lands inside group g (rows 17–18): the cut moves to 19.
    const groups = Array.from({ length: 20 }, (_, i) => (i === 17 || i === 18 ? 'g' : `r${i}`));
    assert.deepEqual(Array.from(groupedSplit(groups, 0.1).valRows), [19]);
    assert.deepEqual(Array.from(heldOutRows(groups, { ...DEFAULT_SETTINGS, groupColumn: 'SentenceId' }).valRows), [19]);
    assert.deepEqual(
      Array.from(heldOutRows(groups, DEFAULT_SETTINGS).valRows),
      [18, 19],
      'without a group column, rows',
    );
  });

  it('with groups, a cut that falls on a group boundary stays there: the group starting at the cut validates', () => {
    // 20 rows, cut at 18: group g starts exactly there (rows 18–19).
    const groups = Array.from({ length: 20 }, (_, i) => (i >= 18 ? 'g' : `r${i}`));
    assert.deepEqual(Array.from(groupedSplit(groups, 0.1).valRows), [18, 19]);
  });

  it('with groups in any order, a group is never on both sides: interleaved rows, groups that return', () => {
    const interleaved = Array.from({ length: 40 }, (_, i) => ['a', 'b', 'c', 'd'][i % 4]);
    const inter = groupedSplit(interleaved, 0.1);
    assert.deepEqual(Array.from(inter.valRows), [], 'every group starts in the first 90%: nothing can be held out');
    // Groups in blocks, the last one returning early in the file: it validates with all its rows.
    const groups = [...Array.from({ length: 18 }, (_, i) => `g${Math.floor(i / 3)}`), 'late', 'late'];
    groups[2] = 'late';
    const split = groupedSplit(groups, 0.1);
    const side = (rows: Int32Array) => new Set(Array.from(rows, (r) => groups[r]));
    const [train, val] = [side(split.trainRows), side(split.valRows)];
    assert.ok(![...val].some((g) => train.has(g)), `no group on both sides: ${[...val]} / ${[...train]}`);
    assert.equal(split.trainRows.length + split.valRows.length, groups.length);
  });

  it('--shuffle-split: a seeded random share of whole groups, the same for the same seed', () => {
    // 40 groups of 1–3 rows, sorted by label as a careless export would be.
    const groups = Array.from({ length: 100 }, (_, i) => `g${Math.floor(i / 2.5)}`);
    const a = heldOutRows(groups, { ...DEFAULT_SETTINGS, shuffleSplit: true, groupColumn: 'g', seed: 1 });
    const again = heldOutRows(groups, { ...DEFAULT_SETTINGS, shuffleSplit: true, groupColumn: 'g', seed: 1 });
    const other = heldOutRows(groups, { ...DEFAULT_SETTINGS, shuffleSplit: true, groupColumn: 'g', seed: 2 });
    assert.deepEqual(a, again);
    assert.notDeepEqual(Array.from(a.valRows), Array.from(other.valRows));
    const held = new Set(Array.from(a.valRows, (r) => groups[r]));
    assert.equal(held.size, 4, "Keras' share of the 40 groups: 40 - floor(40 · 0.9)");
    assert.ok(
      Array.from(a.trainRows).every((r) => !held.has(groups[r])),
      'a group is wholly on one side',
    );
    assert.deepEqual(
      [...a.trainRows, ...a.valRows].sort((x, y) => x - y),
      Array.from(range(0, 100)),
      'every row once',
    );
    assert.ok(Math.max(...a.valRows) - Math.min(...a.valRows) > 10, 'spread over the file, not its end');
    // Without groups each row is its own group.
    const rows = heldOutRows(groups, { ...DEFAULT_SETTINGS, shuffleSplit: true, seed: 1 });
    assert.equal(rows.valRows.length, 10);
  });

  it('shuffles the groups uniformly: every group is held out about as often over many seeds', () => {
    const groups = Array.from({ length: 10 }, (_, i) => String(i));
    const counts = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 2000; seed++)
      for (const r of shuffledSplit(groups, 0.5, makeRng(`u${seed}`)).valRows) counts[r]++;
    // Each group is held out with probability 1/2: 1000 ± 4 standard deviations (22 each).
    for (const c of counts) assert.ok(Math.abs(c - 1000) < 90, counts.join(' '));
  });

  it('a split of 0 keeps every group for training, grouped or not', () => {
    const groups = ['a', 'a', 'b'];
    assert.deepEqual(Array.from(groupedSplit(groups, 0).valRows), []);
    assert.deepEqual(
      Array.from(heldOutRows(groups, { ...DEFAULT_SETTINGS, validationSplit: 0, groupColumn: 'g' }).trainRows),
      [0, 1, 2],
    );
  });

  it('holds out nothing with a split of 0', () => {
    assert.deepEqual(splitRows(5, 0), { trainRows: range(0, 5), valRows: range(5, 5) });
  });
});

describe('folds by group', () => {
  // Ten sentences of 1–3 phrases each, in file order.
  const groups = [1, 1, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9, 10, 10];

  it('every row validates exactly once over the folds, and a group never straddles train and validation', () => {
    const seen = new Array<number>(groups.length).fill(0);
    for (let fold = 0; fold < 3; fold++) {
      const { trainRows, valRows } = foldSplit(groups, 3, fold);
      assert.equal(trainRows.length + valRows.length, groups.length);
      for (const r of valRows) seen[r] += 1;
      const valGroups = new Set(Array.from(valRows, (r) => groups[r]));
      for (const r of trainRows) assert.ok(!valGroups.has(groups[r]), `group ${groups[r]} on both sides`);
    }
    assert.deepEqual(seen, new Array<number>(groups.length).fill(1));
  });

  it('holds out contiguous blocks of groups, in file order', () => {
    assert.deepEqual(Array.from(foldSplit(groups, 2, 0).valRows), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(Array.from(foldSplit(groups, 2, 1).valRows), [9, 10, 11, 12, 13, 14, 15]);
  });

  it('refuses a fold that is not one of 0 … k−1, naming it', () => {
    for (const fold of [-1, 3, 4, 1.5, Number.NaN])
      assert.throws(() => foldSplit(groups, 3, fold), { name: 'SettingError', message: /fold/ }, String(fold));
    for (const fold of [0, 1, 2]) assert.ok(foldSplit(groups, 3, fold).valRows.length > 0);
  });
});
