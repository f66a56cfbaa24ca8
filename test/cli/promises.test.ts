/**
 * The README's promises as rules, each tried the ways a careless or hostile user would: outputs never
 * destroy inputs, costs follow what the model reads, sizes are checked before memory is, the library
 * refuses what the CLI refuses, one source of texts per call.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { classificationReport } from '../../src/evaluate/metrics.ts';
import { padSequences } from '../../src/data/padding.ts';
import { foldSplit, splitRows } from '../../src/data/split.ts';
import { SettingError } from '../../src/errors.ts';
import { positiveInt, fraction, positiveNumber, wholeNumber } from '../../src/cli/parse.ts';
import { checkSettings, DEFAULT_SETTINGS, pickSettings, type SettingKey } from '../../src/settings.ts';
import { runTraining } from '../../src/train/train-model.ts';
import { type CliResult, sentiment, TINY_TRAIN_FLAGS, tempDir, trainHead } from '../helpers.ts';

const STACK = /^\s+at |node:internal/m;

function refused(r: CliResult, message: RegExp): void {
  assert.equal(r.code, 2, r.err + r.out);
  const lines = r.err.split('\n').filter((l) => l.startsWith('error:'));
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0], message);
  assert.doesNotMatch(r.err, STACK);
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('what the tool promises', () => {
  let data = '';
  let model = '';
  before(() => {
    const dir = tempDir();
    data = trainHead(300);
    model = join(dir, 'model');
    const r = sentiment(['train', data, '--out', model, '--epochs', '1', ...TINY_TRAIN_FLAGS, '--backend', 'wasm']);
    assert.equal(r.code, 0, r.err);
  });

  it('nothing written destroys what is read: data, model files, through links, exit 2 and every file unchanged', () => {
    const files = ['meta.json', 'weights.bin', 'tokenizer.json', 'model.json', 'history.json'].map((f) =>
      join(model, f),
    );
    const before = [data, ...files].map(digest);
    const dir = tempDir();
    const toWeights = join(dir, 'plot.png');
    symlinkSync(join(model, 'weights.bin'), toWeights);
    const toData = join(dir, 'report.html');
    symlinkSync(data, toData);
    const cases: [string[], RegExp][] = [
      [['report', data, '--model', model, '--out', data], /--out .*: is the input file .*would destroy it/],
      [['report', '--model', model, '--out', join(model, 'weights.bin')], /--out .*weights\.bin: is .*a file of/],
      [['report', '--model', model, '--out', join(model, 'meta.json')], /--out .*meta\.json: is .*a file of/],
      [['report', '--model', model, '--out', toData], /would destroy it/],
      [
        ['predict', '--model', model, '--input', data, '--submission', join(model, 'tokenizer.json')],
        /--submission .*tokenizer\.json: .*would destroy it/,
      ],
      [['plot-history', '--model', model, '--out', toWeights], /--out .*plot\.png: is .*weights\.bin/],
      [['train', data, '--out', join(data, '..')], /--out/],
    ];
    for (const [args, message] of cases) refused(sentiment(args), message);
    assert.deepEqual([data, ...files].map(digest), before);
  });

  it('--explain of a 20,000-word text ends, and quickly: only the words the model reads are measured', () => {
    const words = Array.from({ length: 20_000 }, (_, i) => ['good', 'bad', 'film', 'dull', 'xyzzy'][i % 5]).join(' ');
    const r = sentiment(['predict', '--model', model, '--explain', '--no-memory', '--json', words], {
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, r.err);
    const explanation = JSON.parse(r.out).explanation as { contribution: number | null }[];
    assert.equal(explanation.length, 20_000);
    // The tiny model reads the last few dozen tokens: every other word contributes exactly nothing.
    assert.ok(explanation.filter((w) => w.contribution !== 0).length <= 64);
  });

  it('sizes no machine holds are refused up front, naming the flag, without a stack trace', () => {
    for (const [args, flag] of [
      [['--units', '100000'], '--units'],
      [['--embedding-dim', '100000000'], '--embedding-dim'],
      [['--dense-units', '1000000000'], '--dense-units'],
      [['--max-len', '100000', '--pad', 'max'], '--max-len'],
    ] as const) {
      const r = sentiment(['train', data, '--out', join(tempDir(), 'm'), ...args], { timeoutMs: 60_000 });
      refused(r, new RegExp(`${flag} \\d+: .*needs about [\\d.]+ GB .*this machine has`));
    }
  });

  it('the library refuses what the CLI refuses, naming the setting (it spun, saved broken models or threw TypeErrors)', async () => {
    const base = { ...DEFAULT_SETTINGS, out: join(tempDir(), 'm'), dataFile: data, backend: 'wasm' as const };
    for (const [bad, setting] of [
      [{ batchSize: 0 }, 'batchSize'],
      [{ batchSize: -4 }, 'batchSize'],
      [{ epochs: -1 }, 'epochs'],
      [{ maxLen: 0 }, 'maxLen'],
      [{ dropout: 2 }, 'dropout'],
      [{ preset: 'fastest' }, 'preset'],
      [{ units: 0 }, 'units'],
      [{ learningRate: Number.NaN }, 'learningRate'],
    ] as const) {
      await assert.rejects(
        runTraining({ ...base, ...(bad as object) }),
        (err: unknown) => err instanceof SettingError && err.setting === setting,
        JSON.stringify(bad),
      );
    }
    assert.throws(
      () => splitRows(10, 1.5),
      (e: unknown) => e instanceof SettingError && e.setting === 'validationSplit',
    );
    assert.throws(
      () => foldSplit([1, 2, 3], 3, 3),
      (e: unknown) => e instanceof SettingError && e.setting === 'fold',
    );
    assert.throws(
      () => foldSplit([1, 2, 3], 1, 0),
      (e: unknown) => e instanceof SettingError && e.setting === 'folds',
    );
    assert.throws(
      () => padSequences([[1, 2]], { maxLen: 0 }),
      (e: unknown) => e instanceof SettingError && e.setting === 'maxLen',
    );
    assert.throws(
      () => padSequences([[1]], { maxLen: 2, padding: 'middle' as never }),
      (e: unknown) => e instanceof SettingError && e.setting === 'padding',
    );
    assert.throws(
      () => classificationReport([0, 7], [0, 1], 5),
      (e: unknown) => e instanceof SettingError && e.setting === 'truth',
    );
  });

  it('a number the flag parser refuses the library refuses too, and the other way round (random values)', () => {
    const parsers: [SettingKey, (s: string) => number][] = [
      ['epochs', positiveInt],
      ['batchSize', positiveInt],
      ['units', positiveInt],
      ['embeddingDim', positiveInt],
      ['denseUnits', positiveInt],
      ['maxLen', positiveInt],
      ['seed', wholeNumber],
      ['dropout', fraction],
      ['validationSplit', fraction],
      ['learningRate', positiveNumber],
    ];
    const values = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.double({ min: -3, max: 3 }),
      fc.constantFrom(0.5, 1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, 1e300, -0),
    );
    fc.assert(
      fc.property(fc.constantFrom(...parsers), values, ([setting, parse], value) => {
        const cli = (() => {
          try {
            parse(String(value));
            return true;
          } catch {
            return false;
          }
        })();
        const library = (() => {
          try {
            checkSettings({ [setting]: value });
            return true;
          } catch (err) {
            assert.ok(err instanceof SettingError && err.setting === setting);
            return false;
          }
        })();
        assert.equal(cli, library, `${setting} ${value}`);
      }),
      { numRuns: 400 },
    );
    assert.throws(() => pickSettings({ preset: 'nope' as never }), SettingError);
  });

  it('one source of texts per call, however it is spelt', () => {
    const file = join(tempDir(), 'texts.txt');
    writeFileSync(file, 'good\n');
    for (const args of [
      ['-', 'bad'],
      ['bad', '-'],
      ['-', '--file', file],
      ['bad', '--file', file],
      ['--file', file, '--input', data],
    ]) {
      refused(sentiment(['predict', '--model', model, ...args], { input: 'good\n' }), /standard input|exactly one/);
    }
  });

  it('messages tell the truth: what report scores by default, fold sizes, a class or vectors the run cannot learn from, a text the model cannot read', () => {
    const dir = tempDir();
    const small = ['--epochs', '1', ...TINY_TRAIN_FLAGS];
    // A model validated on a file of its own: report scores that file, whole.
    const valFile = join(dir, 'val.tsv');
    writeFileSync(valFile, `${readFileSync(data, 'utf8').split('\n').slice(0, 41).join('\n')}\n`);
    const validated = join(dir, 'validated');
    assert.equal(sentiment(['train', data, '--out', validated, '--validation-file', valFile, ...small]).code, 0);
    const report = sentiment(['report', '--model', validated, '--out', join(dir, 'r.html')]);
    assert.equal(report.code, 0, report.err);
    assert.match(report.out, /40 rows of .*val\.tsv/);
    // A model that held no row out asks for a file (and says why), naming no flag report lacks.
    const whole = join(dir, 'whole');
    assert.equal(sentiment(['train', data, '--out', whole, '--validation-split', '0', ...small]).code, 0);
    const r = sentiment(['report', '--model', whole, '--out', join(dir, 'w.html')]);
    refused(r, /without a validation split.*name a labelled file to score/);
    assert.doesNotMatch(r.err, /--validation\b/);
    // Folds of different sizes are said as they are.
    const header = 'PhraseId\tSentenceId\tPhrase\tSentiment';
    const rows = Array.from({ length: 60 }, (_, i) => `${i + 1}\t${i < 50 ? 1 : i - 48}\tphrase ${i} good\t${i % 5}`);
    const grouped = join(dir, 'grouped.tsv');
    writeFileSync(grouped, `${header}\n${rows.join('\n')}\n`);
    const cv = sentiment([
      'train',
      grouped,
      '--out',
      join(dir, 'cv'),
      '--folds',
      '3',
      '--group-column',
      'SentenceId',
      ...small,
    ]);
    assert.equal(cv.code, 0, cv.err);
    assert.match(cv.out, /3 folds by SentenceId, validation rows 53\/4\/3/);
    // A class whose every row is held out gets a warning.
    const late = join(dir, 'late.tsv');
    const lateRows = Array.from({ length: 50 }, (_, i) => `${i + 1}\t${i + 1}\tphrase ${i}\t${i >= 45 ? 4 : i % 4}`);
    writeFileSync(late, `${header}\n${lateRows.join('\n')}\n`);
    const w = sentiment(['train', late, '--out', join(dir, 'late'), ...small]);
    assert.equal(w.code, 0, w.err);
    assert.match(w.err, /class "4" has no training row once the validation rows are held out/);
    // Vectors that match no word of the data.
    const vectors = join(dir, 'vectors.txt');
    writeFileSync(vectors, 'zzzz 0.1 0.2\nqqqq 0.3 0.4\n');
    const v = sentiment([
      'train',
      data,
      '--out',
      join(dir, 'v'),
      '--preset',
      'vectors',
      '--embeddings',
      vectors,
      '--epochs',
      '1',
      '--units',
      '4',
    ]);
    assert.equal(v.code, 0, v.err);
    assert.match(v.err, /no training word has a vector in .*vectors\.txt/);
    // A text with no word the model knows is not an ordinary answer.
    const p = sentiment(['predict', '--model', model, 'qwxz vbnm', 'a good film']);
    assert.equal(p.code, 0, p.err);
    assert.equal((p.out.match(/knows none of its words/g) ?? []).length, 1);
  });
});
