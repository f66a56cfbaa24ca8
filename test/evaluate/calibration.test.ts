import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibration } from '../../src/evaluate/calibration.ts';

describe('calibration', () => {
  it('bins rows by confidence and weighs each bin’s gap by its rows (ECE)', () => {
    // Bin 0.9–1: four rows at 0.95, three right (0.75: a gap of 0.2); bin 0.5–0.6: two rows at 0.55, one right (gap 0.05).
    const conf = [0.95, 0.95, 0.95, 0.95, 0.55, 0.55];
    const right = [true, true, true, false, true, false];
    const cal = calibration(conf, right);
    assert.equal(cal.bins.length, 10);
    const top = cal.bins[9];
    assert.deepEqual([top.count, top.accuracy], [4, 0.75]);
    assert.ok(Math.abs(top.confidence - 0.95) < 1e-12);
    assert.equal(cal.bins[5].count, 2);
    assert.ok(Number.isNaN(cal.bins[0].accuracy), 'an empty bin has no accuracy');
    assert.ok(Math.abs(cal.ece - ((4 / 6) * 0.2 + (2 / 6) * 0.05)) < 1e-12, `ece ${cal.ece}`);
  });

  it('is 0 for rows whose confidence is their accuracy, and puts a confidence of 1 in the last bin', () => {
    const cal = calibration([1, 1, 0.5, 0.5], [true, true, true, false]);
    assert.equal(cal.bins[9].count, 2);
    assert.ok(Math.abs(cal.ece) < 1e-12);
  });
});
