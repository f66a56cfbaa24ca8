/**
 * Every train flag takes effect or is refused: the cases a user meets, through the built CLI (the
 * whole flag × preset table is test/presets.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { flagFor } from '../../src/cli/options.ts';
import { sentiment, tempDir, trainHead, vectorsFor } from '../helpers.ts';

const TINY = ['--epochs', '1', '--units', '4', '--embedding-dim', '4', '--dense-units', '4'];

describe('flagFor: an error names the flag a user could have typed', () => {
  it('one flag by its name, a switch with both halves as --[no-]', () => {
    assert.equal(flagFor('validationSplit'), '--validation-split');
    assert.equal(flagFor('memory'), '--no-memory');
    assert.equal(flagFor('keepCheckpoint'), '--[no-]keep-checkpoint');
  });
});

describe('train: a flag that would have no effect is refused, naming it and why', () => {
  let data = '';
  let vectors = '';
  let dev = '';
  before(() => {
    data = trainHead(200);
    vectors = vectorsFor(data);
    dev = join(tempDir(), 'dev.tsv');
    writeFileSync(dev, readFileSync(trainHead(20), 'utf8'));
  });

  const refused: [string, () => string[], RegExp][] = [
    [
      '--embeddings with the seed preset',
      () => ['--embeddings', vectors],
      /--embeddings: has no effect.*--preset vectors/,
    ],
    ['--vocab-size without vectors', () => ['--vocab-size', '50'], /--vocab-size: has no effect.*--embeddings/],
    ['--pooling without vectors', () => ['--preset', 'ensemble', '--pooling', 'last'], /--pooling: has no effect/],
    [
      '--embedding-dim with the vectors preset',
      () => ['--preset', 'vectors', '--embeddings', vectors, '--embedding-dim', '8'],
      /--embedding-dim: has no effect.*vectors’ own dimension/,
    ],
    [
      '--dropout with the vectors preset',
      () => ['--preset', 'vectors', '--embeddings', vectors, '--dropout', '0.5'],
      /--dropout: has no effect.*fixed dropout/,
    ],
    [
      '--validation-split beside --validation-file',
      () => ['--validation-file', dev, '--validation-split', '0.2'],
      /--validation-split: has no effect.*--validation-file/,
    ],
    [
      '--shuffle-split beside --validation-file',
      () => ['--validation-file', dev, '--shuffle-split'],
      /--shuffle-split: has no effect.*--validation-file/,
    ],
    [
      '--folds with --validation-file',
      () => ['--folds', '2', '--validation-file', dev],
      /--validation-file: has no effect.*cross-validation/,
    ],
    [
      '--folds with --validation-split',
      () => ['--folds', '2', '--validation-split', '0.2'],
      /--validation-split: has no effect.*holds out its own folds/,
    ],
    [
      '--folds with --embeddings on the seed preset (cross-validation checks every flag too)',
      () => ['--folds', '2', '--embeddings', vectors],
      /--embeddings: has no effect/,
    ],
    [
      '--folds with --no-keep-checkpoint (a run on folds writes none)',
      () => ['--folds', '2', '--no-keep-checkpoint'],
      /--\[no-\]keep-checkpoint: has no effect.*no checkpoint/,
    ],
    ['--folds with --resume', () => ['--folds', '2', '--resume'], /--folds: .*cannot --resume/],
    ['--folds with --plot', () => ['--folds', '2', '--plot'], /--plot: .*cross-validation/],
  ];
  for (const [what, args, message] of refused) {
    it(what, () => {
      const out = join(tempDir(), 'model');
      const r = sentiment(['train', data, '--out', out, ...args()]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, message);
      assert.ok(!existsSync(join(out, 'model.json')), 'nothing written');
    });
  }

  it("--units, --batch-size and --learning-rate set the vectors member's own (its preset's defaults otherwise)", () => {
    const out = join(tempDir(), 'model');
    const args = ['--preset', 'vectors', '--embeddings', vectors, '--epochs', '1'];
    const r = sentiment(['train', data, '--out', out, ...args, '--units', '6', '--learning-rate', '0.01']);
    assert.equal(r.code, 0, r.err);
    // The LSTM layer's config, wherever the topology nests it.
    const units: number[] = [];
    JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'), (_key, value) => {
      if (value?.class_name === 'LSTM') units.push(value.config.units);
      return value;
    });
    assert.ok(units.length > 0 && units.every((u) => u === 6), `LSTM units ${units}`);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    assert.equal(meta.settings.units, 6);
    assert.equal(meta.settings.learning_rate, 0.01);
    assert.equal(meta.settings.batch_size, 256, "the vectors preset's batch size");
  });
});

describe('train --folds: every fold can answer', () => {
  it('more folds than sentences is refused, naming how many there are', () => {
    const file = join(tempDir(), 'eleven.tsv');
    const lines = Array.from(
      { length: 33 },
      (_, i) => `${i + 1}\t${Math.floor(i / 3) + 1}\tphrase ${i} ${i % 2 ? 'good' : 'bad'}\t${i % 2 ? 3 : 1}`,
    );
    writeFileSync(file, `PhraseId\tSentenceId\tPhrase\tSentiment\n${lines.join('\n')}\n`);
    const r = sentiment(['train', file, '--folds', '20', '--out', join(tempDir(), 'cv')]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /--folds 20: asks for more folds than the file has groups \(SentenceId: 11\)/);
  });

  it('--folds 0 and --folds 1 get the same words: at least 2', () => {
    for (const k of ['0', '1']) {
      const r = sentiment(['train', trainHead(20), '--folds', k]);
      assert.equal(r.code, 1);
      assert.match(r.err, /at least 2/);
    }
  });

  it('a file without a group column folds by row, and says so', () => {
    const file = join(tempDir(), 'r.csv');
    writeFileSync(
      file,
      `review,label\n${Array.from({ length: 40 }, (_, i) => `${i % 2 ? 'fine fun' : 'dull mess'} ${i},${i % 2 ? 'pos' : 'neg'}`).join('\n')}\n`,
    );
    const r = sentiment(['train', file, '--folds', '2', ...TINY, '--out', join(tempDir(), 'cv')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /2 folds by row/);
    assert.doesNotMatch(r.out, /sentence/);
  });
});

describe('train: data that trains but says less than it seems warns on standard error', () => {
  it('labels that differ only in case, and a validation file that is the training file', () => {
    const dir = tempDir();
    const file = join(dir, 'r.csv');
    const labels = ['pos', 'POS', 'neg'];
    writeFileSync(
      file,
      `review,label\n${Array.from({ length: 30 }, (_, i) => `words ${i} here,${labels[i % 3]}`).join('\n')}\n`,
    );
    const out = join(dir, 'model');
    const r = sentiment(['train', file, ...TINY, '--out', out, '--validation-file', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warning: the labels "pos", "POS" differ only in case/);
    assert.match(r.err, /warning: the validation file .*r\.csv holds the same rows as the training file/);
    assert.doesNotMatch(r.out, /warning/, 'warnings never on standard output');
  });
});

describe('messages name what is wrong, and exit codes follow one rule', () => {
  it('an empty path is refused as a malformed value (commander: exit 1), not read as a directory', () => {
    for (const args of [
      ['predict', 'good', '-m', ''],
      ['plot-history', '--history', ''],
      ['train', 'data/train.tsv', '--out', ''],
    ]) {
      const r = sentiment(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.err, /expected a path, got an empty one/);
    }
  });

  it('plot-history --out that is only an extension says so', () => {
    const r = sentiment([
      'plot-history',
      '--history',
      'test/fixtures/history/one-epoch.json',
      '--out',
      join(tempDir(), '.png'),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.err, /names no file, only an extension: e\.g\. .*curves\.png/);
  });

  it('evaluate --validation describes the rows as training chose them (a seeded random share)', () => {
    const file = join(tempDir(), 'r.csv');
    writeFileSync(
      file,
      `review,label\n${Array.from({ length: 60 }, (_, i) => `${i % 2 ? 'fine fun' : 'dull mess'} ${i},${i < 30 ? 'neg' : 'pos'}`).join('\n')}\n`,
    );
    const out = join(tempDir(), 'model');
    assert.equal(sentiment(['train', file, ...TINY, '--out', out, '--shuffle-split']).code, 0);
    const r = sentiment(['evaluate', file, '--validation', '--model', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /validation rows \(a seeded random 10% of the rows\)/);
    assert.doesNotMatch(r.out, /the last/);
  });

  it('sources that exclude each other are refused by the tool: exit 2', () => {
    const r = sentiment(['predict', 'good', '--file', 'x.txt']);
    assert.equal(r.code, 2);
    assert.match(r.err, /exactly one of them/);
  });
});
