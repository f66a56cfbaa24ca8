import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { needAddon, sentiment, tempDir, trainHead, vectorsFor } from '../helpers.ts';

/**
 * The LSTM of every member kind runs on the native kernel when the engine is blas: in training's
 * validation and in every scoring command, each in a fresh CLI process (a process that loads only the
 * predict path once fell back to tfjs' per-step LSTM, three times slower, and nothing noticed).
 * `--verbose` reports the kernel's passes.
 */
interface Passes {
  tree: number;
  forward: number;
  backward: number;
}

function passes(stderr: string): Passes {
  const m = /^lstm +native kernel: (\d+) prefix-forest passes, (\d+) batch passes forward, (\d+) backward$/m.exec(
    stderr,
  );
  assert.ok(m, `no lstm line in:\n${stderr}`);
  return { tree: Number(m[1]), forward: Number(m[2]), backward: Number(m[3]) };
}

describe('the native LSTM kernel in every command (blas engine)', () => {
  let data = '';
  before(() => {
    data = trainHead(400);
  });

  const kinds: [string, string[], keyof Passes][] = [
    ['seed', ['--units', '8', '--embedding-dim', '8', '--dense-units', '8', '--max-words', '500'], 'tree'],
    ['vectors', ['--preset', 'vectors'], 'tree'],
  ];
  for (const [kind, flags, scoring] of kinds) {
    it(`${kind}: validation inside training, predict, a submission and evaluate all run the kernel`, (t) => {
      if (!needAddon(t)) return;
      const model = join(tempDir(), kind);
      const extra = kind === 'vectors' ? ['--embeddings', vectorsFor(data)] : [];
      const train = sentiment([
        'train',
        data,
        '--out',
        model,
        '--epochs',
        '1',
        '--batch-size',
        '64',
        '--backend',
        'blas',
        '--verbose',
        ...flags,
        ...extra,
      ]);
      assert.equal(train.code, 0, train.err);
      const trained = passes(train.err);
      assert.ok(trained.backward >= 1, 'training ran the backward kernel');
      assert.ok(trained[scoring] >= 1, `validation ran the ${scoring} kernel`);

      const texts = join(tempDir(), 'texts.txt');
      writeFileSync(texts, 'a rather unseen phrase of zzz words\nanother qqq\n');
      const input = join(tempDir(), 'input.tsv');
      writeFileSync(input, 'PhraseId\tSentenceId\tPhrase\n1\t1\tzzz yyy the movie\n2\t1\tthe movie qqq\n');
      const runs = [
        ['predict', 'not a phrase it has seen, zzz', '--model', model],
        ['predict', '--file', texts, '--model', model, '--json'],
        ['predict', '--input', input, '--submission', join(tempDir(), 'sub.csv'), '--model', model],
        ['evaluate', data, '--validation', '--model', model],
      ];
      for (const args of runs) {
        const r = sentiment([...args, '--backend', 'blas', '--verbose']);
        assert.equal(r.code, 0, r.err);
        const p = passes(r.err);
        assert.ok(p[scoring] >= 1, `${args.slice(0, 2).join(' ')}: the ${scoring} kernel ran (${JSON.stringify(p)})`);
        assert.equal(p.backward, 0);
      }
    });
  }
});
