import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { curvesFromHistory, finalValAcc } from '../../src/plot/curves.ts';
import { stretch, terminalChart } from '../../src/plot/terminal.ts';
import { readFixture } from '../helpers.ts';

describe('training curves from a history file', () => {
  it('reads our history.json and both Keras key styles to the same curves', () => {
    const ours = curvesFromHistory(readFixture('history/eight-epochs.json'), 'ours');
    const kerasAcc = curvesFromHistory(readFixture('history/keras-acc.json'), 'keras');
    const kerasAccuracy = curvesFromHistory(readFixture('history/keras-accuracy.json'), 'keras');
    assert.deepEqual(ours.epochs, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(kerasAcc, ours);
    assert.deepEqual(kerasAccuracy.epochs, [1, 2, 3, 4, 5]);
    assert.deepEqual(kerasAccuracy.valAcc, ours.valAcc.slice(0, 5));
    assert.equal(finalValAcc(ours), 0.5877867486864027);
  });

  it('keeps a run without validation (nulls) and rejects files with no curves', () => {
    const c = curvesFromHistory(
      { params: {}, epochs: [{ epoch: 1, loss: 1.2, acc: 0.5, val_loss: null, val_acc: null, seconds: 1 }] },
      'f',
    );
    assert.deepEqual(c.valAcc, [null]);
    assert.equal(finalValAcc(c), null);
    assert.throws(() => curvesFromHistory({ params: {}, epochs: [] }, 'h.json'), /h\.json: holds no epochs yet/);
    assert.throws(() => curvesFromHistory({ lr: [0.1] }, 'h.json'), /h\.json: no loss or accuracy found/);
    assert.throws(() => curvesFromHistory([1, 2], 'h.json'), /h\.json: expected a JSON object/);
  });

  it('refuses malformed values and ragged lists, naming where, instead of drawing them', () => {
    const epoch = { epoch: 1, loss: 1.2, acc: 0.5, val_loss: 1.3, val_acc: 0.4 };
    const cases: [unknown, RegExp][] = [
      [{ epochs: [{ ...epoch, loss: '0.5' }] }, /h\.json: epochs\[0\]\.loss is "0\.5", not a number/],
      [{ epochs: [{ ...epoch, acc: 2.5 }] }, /epochs\[0\]\.acc is 2\.5: an accuracy is a fraction from 0 to 1/],
      [{ epochs: [{ ...epoch, val_loss: -1e30 }] }, /epochs\[0\]\.val_loss is -1e\+30: a loss is never below 0/],
      [{ loss: [1, 0.9, 0.8], val_loss: [1.1, 1] }, /the lists are of different lengths \(loss 3, val_loss 2\)/],
      [{ loss: [1, 'x'] }, /loss\[1\] is "x", not a number/],
    ];
    for (const [json, message] of cases) assert.throws(() => curvesFromHistory(json, 'h.json'), message);
    // A diverged run's NaN (Python's json.dump writes it bare) is a gap, not an error.
    assert.deepEqual(curvesFromHistory({ loss: [1, null, 0.5] }, 'h.json').loss, [1, null, 0.5]);
  });

  it('draws both curves of both metrics in the terminal, stretched to the width', () => {
    assert.deepEqual(stretch([0, 1], 5), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(stretch([3], 3), [3, 3, 3]);
    const text = terminalChart(curvesFromHistory(readFixture('history/eight-epochs.json'), 'f'), {
      colour: false,
      width: 40,
      height: 6,
    });
    const lines = text.split('\n');
    assert.equal(lines[0], 'loss');
    assert.ok(lines.includes('accuracy'));
    assert.match(text, /1\.149/, 'the first training loss labels the axis top');
    assert.match(lines[lines.length - 1], /━━ training {3}━━ validation {3}\(epochs 1–8\)/);
    assert.ok(lines.filter((l) => l.includes('┤') || l.includes('┼')).length >= 12);
  });
});
