/** `sentiment train`'s action in its parts: the flags resolved to a run, and a run's result to lines, each alone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainRequest } from '../../src/cli/train.ts';
import { foldLines, stoppedLines, trainedLines } from '../../src/cli/train-view.ts';
import { SettingError } from '../../src/errors.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import type { TrainResult } from '../../src/train/train-model.ts';

const plain = (lines: string[]) => lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
const FLAGS = { ...DEFAULT_SETTINGS, out: 'm' } as unknown as Parameters<typeof trainRequest>[1];

describe('train: flags to a run', () => {
  it('--folds with a preset that is not bagged cross-validates; with best it trains the folds as the model', () => {
    const cv = trainRequest('d.tsv', { ...FLAGS, folds: 3 }, new Set(), 'auto');
    assert.equal(cv.crossValidate, 3);
    assert.equal(cv.run.folds, undefined);
    const best = trainRequest('d.tsv', { ...FLAGS, preset: 'best', folds: 3 }, new Set(['preset']), 'auto');
    assert.equal(best.crossValidate, null);
    assert.equal(best.run.folds, 3);
    assert.deepEqual([...(best.run.explicit ?? [])], ['preset']);
  });

  it('refuses what cross-validation cannot honour, naming the setting', () => {
    for (const [extra, setting] of [
      [{ resume: true }, 'folds'],
      [{ plot: true }, 'plot'],
    ] as const)
      assert.throws(
        () => trainRequest('d.tsv', { ...FLAGS, folds: 2, ...extra }, new Set(), 'auto'),
        (e: unknown) => e instanceof SettingError && e.setting === setting,
      );
  });
});

describe('train: a result to lines', () => {
  const epoch = (n: number, acc: number) => ({ epoch: n, loss: 1, acc: 0.5, val_loss: 0.9, val_acc: acc });
  const result = (over: Partial<TrainResult>): TrainResult =>
    ({
      history: [epoch(1, 0.5), epoch(2, 0.6)],
      best: epoch(2, 0.6),
      kept: epoch(2, 0.6),
      stoppedEarly: false,
      out: 'models/x',
      interrupted: null,
      completedEpochs: 2,
      checkpoint: null,
      settings: DEFAULT_SETTINGS,
      scores: [],
      blend: null,
      memoryPhrases: 0,
      bagging: null,
      ...over,
    }) as TrainResult;

  it('says the kept epoch and why, each member and the blend with its weights, the memory', () => {
    const lines = plain(
      trainedLines(
        result({
          scores: [
            { kind: 'lstm', valAcc: 0.6, valLoss: 0.9 },
            { kind: 'ngram', valAcc: 0.58, valLoss: 1 },
            { kind: 'blend', valAcc: 0.61, valLoss: 0.88 },
          ],
          blend: { method: 'linear', weights: [0.6, 0.4] },
          memoryPhrases: 1234,
        }),
      ),
    );
    assert.match(lines[0], /^kept {4}epoch 2 \(the best val_acc\): val_acc 0\.6000/);
    assert.ok(lines.includes('score   blend (linear, weights 0.60 / 0.40): val_acc 0.6100, val_loss 0.8800'));
    assert.ok(lines.includes('score   member ngram: val_acc 0.5800, val_loss 1.0000'));
    assert.match(lines.at(-1) ?? '', /^memory {2}1,234 training phrases/);
    assert.ok(!lines.some((l) => /teacher/.test(l)));
  });

  it("a student's kept line says its teacher trained on the validation rows; not with a validation file", () => {
    const student = { ...DEFAULT_SETTINGS, teacher: 'models/best' };
    const lines = plain(trainedLines(result({ settings: student })));
    assert.match(lines[1], /^note: the teacher models\/best trained on these validation rows: val_acc flatters/);
    const own = plain(trainedLines(result({ settings: { ...student, validationFile: 'held-out.tsv' } })));
    assert.ok(!own.some((l) => /teacher/.test(l)));
  });

  it('a stopped run names its checkpoint and the command that resumes it', () => {
    const [line] = plain(
      stoppedLines(result({ interrupted: 'SIGINT', checkpoint: 'models/x/checkpoint', completedEpochs: 1 }), 'd.tsv'),
    );
    assert.match(line, /stopped by SIGINT after epoch 1\/8; checkpoint in models\/x\/checkpoint\//);
    assert.match(line, /resume with: sentiment train d\.tsv --out models\/x --resume$/);
  });

  it('folds: one line a fold, then the means, the stack named with its method', () => {
    const lines = plain(
      foldLines(
        [
          {
            fold: 1,
            trainRows: 90,
            valRows: 10,
            scores: [
              { kind: 'vectors', valAcc: 0.6 },
              { kind: 'stack', valAcc: 0.62 },
            ],
          },
        ],
        [
          { kind: 'vectors', mean: 0.6, sd: 0 },
          { kind: 'stack', mean: 0.62, sd: 0 },
        ],
        { method: 'logistic', weights: [0.5, 0.5] },
      ),
    );
    assert.equal(lines[0], 'fold 1  90 train, 10 validation rows; vectors 0.6000, stack 0.6200');
    assert.match(
      lines[2],
      /^mean {4}stack \(the members' blend, a logistic regression over their log-probabilities, fitted out of fold\): val_acc 0\.6200/,
    );
  });
});
