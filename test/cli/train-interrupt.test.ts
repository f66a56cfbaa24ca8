import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CheckpointState } from '../../src/train/checkpoint.ts';
import type { HistoryFile } from '../../src/model/history.ts';
import { BIN, sentiment, tempDir, trainHead } from '../helpers.ts';

const SMALL = ['--units', '8', '--embedding-dim', '8', '--dense-units', '8', '--max-words', '400', '--batch-size', '8'];

interface Running {
  /** Resolves when stdout (or, with `stream` 'err', stderr) has matched. */
  waitFor(re: RegExp, stream?: 'out' | 'err'): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, FORCE_COLOR: '0' } });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; stream: 'out' | 'err'; resolve: () => void }[] = [];
  const wake = () => {
    for (const w of waiters.filter((w) => w.re.test(w.stream === 'out' ? out : err))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    wake();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>(
    (resolve) => child.on('exit', (code, signal) => setImmediate(() => resolve({ code, signal, out, err }))),
  );
  return {
    waitFor: (re, stream = 'out') =>
      new Promise((resolve, reject) => {
        if (re.test(stream === 'out' ? out : err)) return resolve();
        waiters.push({ re, stream, resolve });
        void exited.then((r) => reject(new Error(`exited ${r.code} before ${re}: ${r.out}${r.err}`)));
      }),
    kill: (signal) => child.kill(signal),
    exited,
  };
}

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('interrupting and resuming sentiment train', () => {
  const data = trainHead(1200);

  /** A 3-epoch run sent `signal` once epoch 2 has started. */
  async function signalDuringEpoch2(out: string, signal: NodeJS.Signals, more: string[] = []) {
    const run = start(['train', data, '--out', out, '--epochs', '3', ...SMALL, ...more]);
    await run.waitFor(/^epoch 1\/3 {2}loss/m);
    await run.waitFor(/^epoch 2\/3 {2}\d+\/\d+ batches/m);
    run.kill(signal);
    return run.exited;
  }

  it('Ctrl-C stops after the batch, keeps the last epoch in the checkpoint, exits 130; --resume continues exactly as an uninterrupted run', async () => {
    const out = join(tempDir(), 'model');
    const r = await signalDuringEpoch2(out, 'SIGINT');
    assert.equal(r.code, 130, r.out + r.err);
    assert.match(r.err, /SIGINT: stopping after this batch/);
    // The signal lands during epoch 2 or, on a slow machine, just after it.
    const stopped = /stopped by SIGINT after epoch (\d)\/3; checkpoint in (.*)\/\n +resume with: (.*)$/m.exec(r.out);
    assert.ok(stopped, r.out);
    assert.equal(stopped[2], join(out, 'checkpoint'));
    assert.equal(stopped[3], `sentiment train ${data} --out ${out} --resume --epochs 3`);
    assert.ok(!existsSync(join(out, 'model.json')), 'no model written from a half epoch');
    const state = readJson<CheckpointState>(join(out, 'checkpoint', 'state.json'));
    assert.equal(state.epoch, Number(stopped[1]));
    assert.equal(state.history.length, state.epoch);

    const resumed = sentiment(['train', data, '--out', out, '--resume', '--epochs', '3']);
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.out, new RegExp(`^resume {2}from the checkpoint: ${state.epoch} of 3 epochs done`, 'm'));
    assert.doesNotMatch(resumed.out, /^epoch 1\/3 {2}loss/m);

    const straight = join(tempDir(), 'model');
    assert.equal(sentiment(['train', data, '--out', straight, '--epochs', '3', ...SMALL]).code, 0);
    const a = readJson<HistoryFile>(join(out, 'history.json')).epochs;
    const b = readJson<HistoryFile>(join(straight, 'history.json')).epochs;
    assert.deepEqual(
      a.map((e) => e.epoch),
      [1, 2, 3],
    );
    // Same batches, masks and optimizer state; only float rounding differs (tfjs' Adam recomputes
    // beta^t with pow() on restore where the straight run multiplied it up step by step).
    a.forEach((e, i) => {
      for (const k of ['loss', 'acc', 'val_loss', 'val_acc'] as const) {
        assert.ok(Math.abs((e[k] ?? NaN) - (b[i][k] ?? NaN)) < 1e-5, `epoch ${e.epoch} ${k}: ${e[k]} vs ${b[i][k]}`);
      }
    });
  });

  it('--no-keep-checkpoint: a stopped run keeps its checkpoint to resume; the run that ends removes it', async () => {
    const out = join(tempDir(), 'model');
    const r = await signalDuringEpoch2(out, 'SIGINT', ['--no-keep-checkpoint']);
    assert.equal(r.code, 130, r.out + r.err);
    assert.match(r.out, /stopped by SIGINT after epoch \d\/3; checkpoint in .*\n +resume with: /);
    assert.ok(existsSync(join(out, 'checkpoint', 'state.json')));
    const resumed = sentiment(['train', data, '--out', out, '--resume', '--epochs', '3']);
    assert.equal(resumed.code, 0, resumed.err);
    assert.ok(existsSync(join(out, 'model.json')));
    assert.ok(!existsSync(join(out, 'checkpoint')), 'the ended run keeps none, as its checkpoint said');
    assert.equal(
      readJson<{ settings: { keep_checkpoint: boolean } }>(join(out, 'meta.json')).settings.keep_checkpoint,
      false,
    );
    const again = sentiment(['train', data, '--out', out, '--resume', '--epochs', '4']);
    assert.equal(again.code, 2);
    assert.match(again.err, /no checkpoint to resume from/);
  });

  it('SIGTERM exits 143; a second signal quits at once leaving a loadable checkpoint', async () => {
    const out = join(tempDir(), 'model');
    const r = await signalDuringEpoch2(out, 'SIGTERM');
    assert.equal(r.code, 143, r.out + r.err);

    const twice = start(['train', data, '--out', out, '--resume', '--epochs', '5']);
    await twice.waitFor(/^resume[\s\S]*^epoch \d\/5 {2}\d+\/\d+ batches/m);
    twice.kill('SIGINT');
    await twice.waitFor(/SIGINT: stopping after this batch/, 'err');
    twice.kill('SIGINT');
    const t = await twice.exited;
    // Whether the second signal or the end of the batch came first is a race here; signals.test.ts pins the second signal.
    assert.equal(t.code, 130);
    assert.ok(!existsSync(join(out, '..', '.model.lock')), 'quitting at once still gives the lock back');
    const state = readJson<CheckpointState>(join(out, 'checkpoint', 'state.json'));
    assert.ok(state.epoch >= 1);
    assert.equal(
      sentiment(['train', data, '--out', out, '--resume', '--epochs', String(state.epoch)]).code,
      0,
      'the checkpoint resumes',
    );
  });

  it('refuses to resume on other data, with other settings, or without a checkpoint', async () => {
    const out = join(tempDir(), 'model');
    assert.equal(sentiment(['train', data, '--out', out, '--epochs', '1', ...SMALL]).code, 0);
    const other = sentiment(['train', trainHead(500), '--out', out, '--resume', '--epochs', '2']);
    assert.equal(other.code, 2);
    assert.match(
      other.err,
      /--resume: this file's sha256 \(\w+…\) differs from the data the checkpoint was trained on/,
    );
    const flags = sentiment(['train', data, '--out', out, '--resume', '--epochs', '2', '--units', '16', '--seed', '1']);
    assert.equal(flags.code, 2);
    assert.match(
      flags.err,
      /--resume: --units 16 \(checkpoint: 8\), --seed 1 \(checkpoint: 42\); a resumed run keeps the checkpoint's settings/,
    );
    const none = sentiment(['train', data, '--out', join(tempDir(), 'empty'), '--resume']);
    assert.equal(none.code, 2);
    assert.match(none.err, /no checkpoint to resume from .*state\.json is missing/);
  });
});

describe('every phase of training stops soon after a signal', () => {
  const big = trainHead(20_000);

  /** Starts `args`, sends `signal` once `when` shows on stdout; the result and the seconds from signal to exit. */
  async function stopAt(args: string[], when: RegExp, signal: NodeJS.Signals) {
    const run = start(args);
    await run.waitFor(when);
    const sent = performance.now();
    run.kill(signal);
    const r = await run.exited;
    return { ...r, seconds: (performance.now() - sent) / 1000 };
  }

  it('mid-epoch: the batch ends, the epoch does not (exit 130)', async () => {
    const out = join(tempDir(), 'model');
    const r = await stopAt(
      ['train', big, '--out', out, '--epochs', '1', ...SMALL],
      /^epoch 1\/1 {2}\d+\/\d+ batches/m,
      'SIGINT',
    );
    assert.equal(r.code, 130, r.out + r.err);
    assert.match(r.out, /stopped by SIGINT before the first epoch ended/);
    assert.doesNotMatch(r.out, /^epoch 1\/1 {2}loss/m, 'the epoch did not run to its end');
    assert.ok(r.seconds < 10, `stopped ${r.seconds.toFixed(1)} s after the signal`);
  });

  it('during the n-gram member of an ensemble (exit 130, no model)', async () => {
    const out = join(tempDir(), 'model');
    const r = await stopAt(
      ['train', big, '--out', out, '--preset', 'ensemble', '--epochs', '1', ...SMALL, '--batch-size', '256'],
      /^n-grams /m,
      'SIGINT',
    );
    assert.equal(r.code, 130, r.out + r.err);
    assert.ok(!existsSync(join(out, 'model.json')), 'no model');
    assert.ok(r.seconds < 10, `stopped ${r.seconds.toFixed(1)} s after the signal`);
  });

  it('during cross-validation (exit 130; the folds done so far are reported)', async () => {
    const out = join(tempDir(), 'cv');
    const r = await stopAt(
      ['train', big, '--out', out, '--folds', '3', '--epochs', '1', ...SMALL],
      /^epoch 1\/1 {2}\d+\/\d+ batches/m,
      'SIGTERM',
    );
    assert.equal(r.code, 143, r.out + r.err);
    assert.match(r.out, /stopped by SIGTERM after 0 of 3 folds/);
    // crossval.json says the run was stopped, and after how many of its folds; no out-of-fold table.
    const crossval = JSON.parse(readFileSync(join(out, 'crossval.json'), 'utf8')) as {
      folds: unknown[];
      folds_planned: number;
      interrupted: string | null;
    };
    assert.deepEqual([crossval.interrupted, crossval.folds.length, crossval.folds_planned], ['SIGTERM', 0, 3]);
    assert.ok(!existsSync(join(out, 'oof.tsv.gz')));
  });

  it('SIGHUP (the terminal went away) stops as SIGTERM does: exit 129, no lock or staging directory left', async () => {
    const parent = tempDir();
    const out = join(parent, 'model');
    const r = await stopAt(
      ['train', big, '--out', out, '--epochs', '1', ...SMALL],
      /^epoch 1\/1 {2}\d+\/\d+ batches/m,
      'SIGHUP',
    );
    assert.equal(r.code, 129, r.out + r.err);
    assert.deepEqual(
      readdirSync(parent).filter((e) => e.startsWith('.')),
      [],
      'no lock file or staging directory beside the model',
    );
  });
});
