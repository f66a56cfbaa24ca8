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

describe('the data lines, alone', () => {
  /** A run's summary as the reporter gets it, the parts no test here looks at filled in. */
  const summary = {
    file: 'd.tsv',
    rows: 100,
    vocabulary: 321,
    longestPhrase: 12,
    maxLen: 12,
    labelCounts: [40, 60],
    truncated: 0,
  };

  it('say the folds and their validation sizes, and name a word-labelled class once', async () => {
    const { dataLines } = await import('../../src/cli/train-reporter.ts');
    const lines = dataLines({
      ...summary,
      trainRows: 80,
      valRows: 20,
      folds: 5,
      foldRows: [20, 20, 20, 20, 20],
      groupColumn: 'SentenceId',
      labels: ['0', 'pos'],
      labelNames: ['negative', 'pos'],
    } as unknown as Parameters<typeof dataLines>[0]).map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    assert.equal(lines[0], 'data    d.tsv: 100 phrases (5 folds by SentenceId, 20 validation rows each)');
    assert.equal(lines[2], 'labels  0 negative: 40, pos: 60');
    assert.equal(lines.length, 3, 'no teacher line without a teacher');
  });

  it('name the teacher, which of its answers, its share of each target and its temperature', async () => {
    const { dataLines } = await import('../../src/cli/train-reporter.ts');
    const line = (targets: 'model' | 'out-of-fold') =>
      dataLines({
        ...summary,
        trainRows: 90,
        valRows: 10,
        groupColumn: null,
        labels: ['0', '1'],
        labelNames: ['0', '1'],
        teacher: { dir: 'models/best', weight: 0.8, temperature: 2, targets },
      })
        .map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))
        .find((l) => l.startsWith('teacher'));
    assert.match(line('model') ?? '', /models\/best: its own answers \(as predict gives them\), 0\.8 .*temperature 2/);
    assert.match(line('out-of-fold') ?? '', /models\/best: its out-of-fold answers, 0\.8 .*temperature 2/);
  });
});
