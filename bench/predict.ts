/**
 * Prediction speed as a user meets it: a cold `sentiment predict "not good"` (a training phrase: a trained
 * model answers it from its phrase memory, without starting an engine), a cold predict of a phrase no row
 * of train.tsv holds (the engine and members load), and a whole Kaggle submission.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repeat, summarize, type Sample } from './stats.ts';
import { BIN } from './launcher.ts';

/** Not in train.tsv or test.tsv: the model has to answer it. */
export const UNSEEN_PHRASE = 'a sleepy yet oddly lovable mess';

export interface PredictBench {
  /** `predict "not good"`, process start to exit, seconds. */
  coldPredict: Sample;
  /** `predict UNSEEN_PHRASE`, process start to exit, seconds. */
  coldPredictUnseen: Sample;
  /** Peak RSS of each (MB), where GNU time is there to measure it. */
  coldPredictRssMb: number | null;
  coldPredictUnseenRssMb: number | null;
  /** Rows of the test TSV per second of the scoring itself (as the CLI reports it). */
  submissionPhrasesPerSecond: Sample;
  /** Whole `predict --input --submission` command, seconds. */
  submissionWall: Sample;
  /** `evaluate TRAIN --validation --json`: seconds of scoring as the command reports them (a trained model only). */
  validationSeconds: Sample | null;
  /** `predict --explain --no-memory UNSEEN_PHRASE`, process start to exit, seconds. */
  coldExplainUnseen: Sample;
  /** `report` on the validation rows, the whole command, seconds (a trained model only). */
  reportWall: Sample | null;
  rows: number;
}

export function run(args: string[], env: NodeJS.ProcessEnv): { seconds: number; out: string } {
  const started = performance.now();
  const r = spawnSync(BIN, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`sentiment ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, out: r.stdout };
}

export async function benchPredict(opts: {
  model: string;
  trained: boolean;
  trainTsv: string;
  testTsv: string;
  backend: string;
  coldRuns: number;
  submissionRuns: number;
}): Promise<PredictBench> {
  const env = { SENTIMENT_BACKEND: opts.backend };
  run(['predict', 'not good', '--model', opts.model], env); // warm the file cache
  const coldPredict = await repeat(
    opts.coldRuns,
    () => run(['predict', 'not good', '--model', opts.model], env).seconds,
  );
  const coldPredictRssMb = peakRssMb(['predict', 'not good', '--model', opts.model], env);
  const coldPredictUnseen = await repeat(
    opts.coldRuns,
    () => run(['predict', UNSEEN_PHRASE, '--model', opts.model], env).seconds,
  );
  const coldPredictUnseenRssMb = peakRssMb(['predict', UNSEEN_PHRASE, '--model', opts.model], env);
  const coldExplainUnseen = await repeat(
    opts.coldRuns,
    () => run(['predict', UNSEEN_PHRASE, '--explain', '--no-memory', '--model', opts.model], env).seconds,
  );
  const out = join(mkdtempSync(join(tmpdir(), 'sentiment-bench-')), 'submission.csv');
  let rows = 0;
  const rates: number[] = [];
  const submissionWall = await repeat(opts.submissionRuns, () => {
    const r = run(['predict', '--input', opts.testTsv, '--submission', out, '--model', opts.model], env);
    const m = /: ([\d,]+) rows in [\d.]+ s \(([\d,]+) phrases\/s\)/.exec(r.out);
    if (!m) throw new Error(`unexpected output: ${r.out}`);
    rows = Number(m[1].replaceAll(',', ''));
    rates.push(Number(m[2].replaceAll(',', '')));
    return r.seconds;
  });
  const validationSeconds = opts.trained
    ? await repeat(
        opts.submissionRuns,
        () =>
          (
            JSON.parse(run(['evaluate', opts.trainTsv, '--validation', '--json', '--model', opts.model], env).out) as {
              scoring_seconds: number;
            }
          ).scoring_seconds,
      )
    : null;
  const page = join(mkdtempSync(join(tmpdir(), 'sentiment-bench-')), 'report.html');
  const reportWall = opts.trained
    ? await repeat(opts.submissionRuns, () => run(['report', '--model', opts.model, '--out', page], env).seconds)
    : null;
  return {
    coldPredict,
    coldExplainUnseen,
    reportWall,
    coldPredictUnseen,
    coldPredictRssMb,
    coldPredictUnseenRssMb,
    submissionPhrasesPerSecond: summarize(rates),
    submissionWall,
    validationSeconds,
    rows,
  };
}

/** `sentiment --version`, process start to exit: what every command pays before its work. */
export async function benchStartup(runs: number): Promise<Sample> {
  run(['--version'], {});
  return repeat(runs, () => run(['--version'], {}).seconds);
}

/** A cold predict with another model (the ensemble), seconds. */
export async function benchColdPredict(model: string, backend: string, runs: number): Promise<Sample> {
  const env = { SENTIMENT_BACKEND: backend };
  run(['predict', 'not good', '--model', model], env);
  return repeat(runs, () => run(['predict', 'not good', '--model', model], env).seconds);
}

/** The child's peak RSS through GNU time (`/usr/bin/time -f %M`), or null where it is not installed. */
export function peakRssMb(args: string[], env: NodeJS.ProcessEnv): number | null {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
  });
  const kb = Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1]);
  return r.status === 0 && kb > 0 ? kb / 1024 : null;
}
