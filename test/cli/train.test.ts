import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { autoEngine, sentiment, tempDir, tensorflowInstalled, trainHead, vectorsFor } from '../helpers.ts';
import { PRESET_TABLE } from '../../src/presets.ts';

describe('sentiment train (the built CLI)', () => {
  it('on the plain wasm engine, trains on a thread per core (at most 8) and says how many; the process ends by itself', () => {
    const r = sentiment(
      [
        'train',
        trainHead(200),
        '--epochs',
        '1',
        '--units',
        '8',
        '--embedding-dim',
        '8',
        '--dense-units',
        '8',
        '--max-words',
        '200',
        '--batch-size',
        '64',
        '--backend',
        'wasm',
        '--out',
        join(tempDir(), 'm'),
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.err);
    const threads = Math.min(8, availableParallelism());
    assert.match(
      r.out,
      threads > 1
        ? new RegExp(`^engine {2}wasm \\(WebAssembly, ${threads} threads, as asked\\)$`, 'm')
        : /^engine {2}wasm \(WebAssembly, as asked\)$/m,
    );
  });

  it('trains on a small TSV and writes the five model files', async () => {
    const out = join(tempDir(), 'model');
    const r = sentiment([
      'train',
      trainHead(300),
      '--epochs',
      '2',
      '--units',
      '8',
      '--embedding-dim',
      '8',
      '--dense-units',
      '8',
      '--max-words',
      '300',
      '--batch-size',
      '64',
      '--out',
      out,
      '--plot',
    ]);
    assert.equal(r.code, 0, r.err);
    const auto = await autoEngine('train');
    // One short engine line; without the native kernel, one note saying what it would gain and how.
    if (auto === 'tensorflow') assert.match(r.out, /^engine {2}tensorflow \(@tensorflow\/tfjs-node/m);
    else
      assert.match(
        r.out,
        auto === 'blas'
          ? /^engine {2}blas \(WebAssembly \+ native fused LSTM: OpenBLAS .*\)$/m
          : /^engine {2}wasm \(WebAssembly(, \d threads)?; .*\)\nnote {4}the native fused LSTM is off, and training with it is about 3½× faster \(to build it: /m,
      );
    assert.ok(
      r.out.split('\n').every((l) => l.length < 200),
      'no line of unusual length',
    );
    assert.match(r.out, /^data {4}.*300 phrases \(270 train, 30 validation\)/m);
    assert.match(r.out, /^labels {2}0 negative: \d+/m);
    assert.match(r.out, /^epoch 1\/2 {2}loss \d\.\d{4} {2}acc \d\.\d{4} {2}val_loss \d\.\d{4} {2}val_acc \d\.\d{4}/m);
    assert.match(r.out, /^kept {4}epoch \d \(the best val_acc\): val_acc/m);
    for (const f of [
      'model.json',
      'weights.bin',
      'tokenizer.json',
      'history.json',
      'meta.json',
      'history.png',
      'history.svg',
    ])
      assert.ok(existsSync(join(out, f)), f);
    assert.match(r.out, /^plot {4}.*history\.png, .*history\.svg$/m);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(meta.members, [
      { kind: 'lstm', path: '.', max_len: (meta.settings as { max_len: number }).max_len, batching: 'mix' },
    ]);
    assert.equal(meta.engine, auto);
    assert.match(String(meta.data_sha256), /^[0-9a-f]{64}$/);
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as {
      epochs: unknown[];
      settings: Record<string, unknown>;
    };
    assert.equal(history.epochs.length, 2);
    assert.equal(history.settings.units, 8);
    assert.deepEqual(history.settings, meta.settings, 'one record of the settings, the same in both files');
  });

  it('--verbose gives the engine line in full: what was tried and why this one runs', async () => {
    const r = sentiment([
      'train',
      trainHead(100),
      '--epochs',
      '1',
      '--units',
      '4',
      '--embedding-dim',
      '4',
      '--dense-units',
      '4',
      '--out',
      join(tempDir(), 'm'),
      '--verbose',
    ]);
    assert.equal(r.code, 0, r.err);
    const auto = await autoEngine('train');
    const line = r.out.split('\n').find((l) => l.startsWith('engine')) ?? '';
    if (auto === 'blas') {
      assert.match(line, /^engine {2}blas \(.*\): the fastest engine here for training/);
      assert.match(line, /WebAssembly with the native fused LSTM: OpenBLAS/);
      // tfjs-node, where installed, is named as the slower choice; where not, blas needs no word on it.
      if (tensorflowInstalled())
        assert.match(line, /@tensorflow\/tfjs-node is installed too, slower here for training/);
    } else {
      assert.match(line, /^engine {2}(wasm|tensorflow) .*the native fused LSTM is off: /);
      if (!tensorflowInstalled()) assert.match(line, /tfjs-node is not installed \(.*setup:tensorflow/);
    }
  });

  it('every training flag reaches the run; without validation rows the kept epoch is the one with the lowest training loss', () => {
    const out = join(tempDir(), 'model');
    const r = sentiment([
      'train',
      trainHead(200),
      '--epochs',
      '2',
      '--units',
      '5',
      '--embedding-dim',
      '6',
      '--dense-units',
      '7',
      '--max-words',
      '90',
      '--batch-size',
      '24',
      '--dropout',
      '0.15',
      '--recurrent-activation',
      'sigmoid',
      '--learning-rate',
      '0.0123',
      '--validation-split',
      '0',
      '--seed',
      '99',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^data {4}.*200 phrases \(200 train, 0 validation\)/m);
    assert.match(r.out, /^kept {4}epoch \d \(the lowest training loss: no validation rows\): loss \d\.\d{4}/m);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { settings: Record<string, unknown> };
    assert.deepEqual(
      [
        'units',
        'embedding_dim',
        'dense_units',
        'max_words',
        'batch_size',
        'dropout',
        'recurrent_activation',
        'learning_rate',
        'validation_split',
        'seed',
        'epochs',
      ].map((k) => meta.settings[k]),
      [5, 6, 7, 90, 24, 0.15, 'sigmoid', 0.0123, 0, 99, 2],
    );
    const layers = (
      JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as {
        modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
      }
    ).modelTopology.config.layers.map((l) => l.config);
    assert.deepEqual(
      [
        layers[1].rate,
        layers[2].dropout,
        layers[2].recurrent_dropout,
        layers[2].recurrent_activation,
        layers[2].units,
        layers[4].rate,
      ],
      [0.15, 0.15, 0.15, 'sigmoid', 5, 0.15],
    );
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as {
      epochs: { epoch: number; loss: number; val_acc: number | null }[];
      kept_epoch: number;
    };
    assert.ok(history.epochs.every((e) => e.val_acc === null));
    const lowest = history.epochs.reduce((a, b) => (b.loss < a.loss ? b : a));
    assert.equal(history.kept_epoch, lowest.epoch);
  });

  it('prints plain progress lines without a TTY', () => {
    const out = join(tempDir(), 'model');
    const r = sentiment([
      'train',
      trainHead(200),
      '--epochs',
      '1',
      '--units',
      '4',
      '--embedding-dim',
      '4',
      '--dense-units',
      '4',
      '--batch-size',
      '16',
      '--out',
      out,
      '--pad',
      'max',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^epoch 1\/1 {2}\d+\/\d+ batches {2}[\d,]+ phrases\/s {2}ETA \S+ {2}loss/m);
    assert.ok(!r.out.includes('\u001b['), 'no terminal escape codes');
    assert.equal(JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')).members[0].batching, 'max');
  });

  it('fails with exit 2 and file:line for bad data, leaving no model', () => {
    const bad = join(tempDir(), 'bad.tsv');
    writeFileSync(bad, 'PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tgood\t9\n');
    const out = join(tempDir(), 'model');
    const r = sentiment(['train', bad, '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.tsv:2: Sentiment must be an integer from 0 to 4/);
    assert.ok(!existsSync(out));
  });

  it('rejects bad flag values and an --out that is a file', () => {
    for (const args of [
      ['--epochs', '0'],
      ['--epochs', 'abc'],
      ['--validation-split', '1'],
      ['--batch-size', '-1'],
      ['--pad', 'none'],
    ]) {
      const r = sentiment(['train', 'data/train.tsv', ...args]);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.err, /error: option/, args.join(' '));
    }
    const file = join(tempDir(), 'file');
    writeFileSync(file, 'x');
    const r = sentiment(['train', 'data/train.tsv', '--out', file]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--out \S+: points at an existing file/);
    assert.equal(readFileSync(file, 'utf8'), 'x');
  });

  it('says so when the engine asked for is not there, rather than falling back', () => {
    const data = trainHead(50);
    const r = sentiment([
      'train',
      data,
      '--epochs',
      '1',
      '--units',
      '4',
      '--embedding-dim',
      '4',
      '--dense-units',
      '4',
      '--backend',
      'tensorflow',
      '--out',
      join(tempDir(), 'm'),
    ]);
    if (tensorflowInstalled()) {
      assert.ok(r.code === 0 ? /^engine {2}tensorflow/m.test(r.out) : /did not load/.test(r.err), r.out + r.err);
    } else {
      assert.equal(r.code, 2);
      assert.match(
        r.err,
        /--backend tensorflow: @tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed\. .*TFJS_NODE_CDN_STORAGE=.* npm install @tensorflow\/tfjs-node/,
      );
    }
    const env = sentiment(['train', data, '--out', join(tempDir(), 'm')], { env: { SENTIMENT_BACKEND: 'gpu' } });
    assert.equal(env.code, 2);
    assert.match(env.err, /SENTIMENT_BACKEND=gpu: expected one of auto, tensorflow, blas, wasm, cpu/);
  });

  it('has help for the command and every flag', () => {
    const r = sentiment(['train', '--help']);
    assert.equal(r.code, 0);
    for (const flag of [
      '--out',
      '--epochs',
      '--batch-size',
      '--validation-split',
      '--max-words',
      '--embedding-dim',
      '--units',
      '--dropout',
      '--learning-rate',
      '--seed',
      '--pad',
      '--recurrent-activation',
      '--backend',
    ]) {
      assert.ok(r.out.includes(flag), flag);
    }
  });
});

describe('sentiment train on folds (the built CLI)', () => {
  const tiny = ['--epochs', '1', '--units', '8', '--batch-size', '64', '--backend', 'wasm'];

  it('--preset best prints every fold and each member’s and the stack’s mean ± sd, and saves the fold models', () => {
    const data = trainHead(300);
    const out = join(tempDir(), 'best');
    const r = sentiment(
      ['train', data, '--preset', 'best', '--embeddings', vectorsFor(data), '--folds', '2', ...tiny, '--out', out],
      { timeoutMs: 180_000 },
    );
    assert.equal(r.code, 0, r.err);
    const kinds = PRESET_TABLE.best.members.map((m) => m.kind);
    assert.match(
      r.out,
      new RegExp(
        `^fold 2 {2}[\\d,]+ train, [\\d,]+ validation rows; ${kinds.map((k) => `${k} 0\\.\\d{4}, `).join('')}blend 0\\.\\d{4}, stack 0\\.\\d{4}$`,
        'm',
      ),
    );
    assert.match(
      r.out,
      new RegExp(`^stack {3}choosing the blend of ${kinds.length} members on 300 out-of-fold rows`, 'm'),
    );
    for (const kind of kinds)
      assert.match(r.out, new RegExp(`^mean {4}${kind}: val_acc 0\\.\\d{4} ± 0\\.\\d{4} over 2 folds$`, 'm'));
    assert.match(
      r.out,
      /^mean {4}blend \(fitted on each fold's own rows\): val_acc 0\.\d{4} ± 0\.\d{4} over 2 folds$/m,
    );
    assert.match(
      r.out,
      /^mean {4}stack \(the members' blend, .+, fitted out of fold\): val_acc 0\.\d{4} ± 0\.\d{4} over 2 folds$/m,
    );
    // Fold 2's members beside fold 1's, and the out-of-fold answers the stack was fitted on.
    for (const kind of kinds.slice(1)) assert.ok(existsSync(join(out, 'fold-2', kind)), kind);
    assert.ok(existsSync(join(out, 'fold-2', 'model.json')));
    const oof = gunzipSync(readFileSync(join(out, 'oof.tsv.gz')))
      .toString('utf8')
      .trim()
      .split('\n');
    assert.equal(oof.length, 301);
    assert.deepEqual(
      [
        ...new Set(
          oof[0]
            .split('\t')
            .slice(3)
            .map((c) => c.split(':')[0]),
        ),
      ],
      kinds,
    );
    const p = sentiment(['predict', '--model', out, '--no-memory', '--json', 'a witty , gorgeous film']);
    assert.equal(p.code, 0, p.err);

    // Its student: a directory of the model alone once the run ends, unless asked to keep the checkpoint.
    const student = join(tempDir(), 'student');
    const args = ['train', data, '--preset', 'student', '--teacher', out, '--embeddings', vectorsFor(data), ...tiny];
    const s = sentiment([...args, '--out', student], { timeoutMs: 180_000 });
    assert.equal(s.code, 0, s.err);
    assert.ok(existsSync(join(student, 'model.json')) && !existsSync(join(student, 'checkpoint')));
    const kept = join(tempDir(), 'student');
    assert.equal(sentiment([...args, '--keep-checkpoint', '--out', kept], { timeoutMs: 180_000 }).code, 0);
    assert.ok(existsSync(join(kept, 'checkpoint', 'state.json')));
  });

  it('cross-validating an ensemble writes every row’s out-of-fold probabilities and scores the stack', () => {
    const data = trainHead(300);
    const out = join(tempDir(), 'cv');
    const r = sentiment(['train', data, '--preset', 'ensemble', '--folds', '2', ...tiny, '--out', out], {
      timeoutMs: 180_000,
    });
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^mean {4}stack \(the members' blend, .+, fitted out of fold\): val_acc 0\.\d{4} ± 0\.\d{4} over 2 folds$/m,
    );
    // The library wrote crossval.json: every fold, not stopped.
    const crossval = JSON.parse(readFileSync(join(out, 'crossval.json'), 'utf8')) as {
      folds: unknown[];
      folds_planned: number;
      interrupted: string | null;
    };
    assert.equal(crossval.folds.length, 2);
    assert.equal(crossval.folds_planned, 2);
    assert.equal(crossval.interrupted, null);
    const rows = gunzipSync(readFileSync(join(out, 'oof.tsv.gz')))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    assert.equal(rows.length, 301);
    assert.deepEqual(rows[0].split('\t').slice(0, 3), ['row', 'fold', 'label']);
  });
});
