import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeTrainReporter } from '../../src/cli/train-reporter.ts';

describe('train reporter', () => {
  it("counts each member's epochs out of its own total (an ensemble's vectors member trains fewer)", () => {
    const lines: string[] = [];
    const reporter = makeTrainReporter({ epochs: 8, tty: false, write: (l) => lines.push(l) });
    const log = { epoch: 1, loss: 1, acc: 0.5, val_loss: 1, val_acc: 0.5, seconds: 1 };
    reporter.onMember?.('lstm', 8);
    reporter.onEpochEnd?.(log, [log], true);
    reporter.onMember?.('bilstm', 4);
    reporter.onEpochBegin?.(1, 10, 100);
    reporter.onBatchEnd?.(1, { done: 10, total: 10, seen: 100, loss: 1, acc: 0.5 });
    reporter.onEpochEnd?.(log, [log], true);
    const epochs = lines.map((l) => /epoch (\d+\/\d+)/.exec(l.replace(/\x1b\[[0-9;]*m/g, ''))?.[1]).filter(Boolean);
    assert.deepEqual(epochs, ['1/8', '1/4', '1/4']);
  });
});
