import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classificationReport, confusionMatrix } from '../../src/evaluate/metrics.ts';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

describe('classification metrics', () => {
  it('computes accuracy, per-class precision/recall/F1/support, macro-F1 and the majority floor (checked by hand)', () => {
    const truth = [0, 0, 1, 1, 2, 2, 2];
    const predicted = [0, 1, 1, 1, 2, 0, 2];
    const r = classificationReport(truth, predicted, 3);
    assert.deepEqual(r.confusion, [
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
    close(r.accuracy, 5 / 7);
    const expected = [
      { precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, support: 2 },
      { precision: 2 / 3, recall: 1, f1: 0.8, support: 2 },
      { precision: 1, recall: 2 / 3, f1: 0.8, support: 3 },
    ];
    r.perClass.forEach((c, i) => {
      for (const k of ['precision', 'recall', 'f1', 'support'] as const) close(c[k], expected[i][k]);
    });
    close(r.macroF1, (0.5 + 0.8 + 0.8) / 3);
    assert.equal(r.majorityLabel, 2);
    close(r.majorityAccuracy, 3 / 7);
  });

  it('gives 0 (not NaN) for a class never predicted or never present', () => {
    const r = classificationReport([0, 0, 1], [0, 0, 0], 3);
    assert.deepEqual(r.perClass[1], { precision: 0, recall: 0, f1: 0, support: 1 });
    assert.deepEqual(r.perClass[2], { precision: 0, recall: 0, f1: 0, support: 0 });
    close(r.macroF1, (0.8 + 0 + 0) / 3);
  });

  it('refuses label lists of different lengths', () => {
    assert.throws(() => confusionMatrix([0, 1], [0], 2), /2 true labels but 1 predictions/);
  });
});
