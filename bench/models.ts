/**
 * `npm run bench:models -- models/best models/student`: what using each trained model costs, measured
 * as a user meets it and interleaved model by model (the machine's noise falls on all alike): size on
 * disk (the files meta.json lists), a cold `predict` of a phrase no row holds and its peak RSS, and a
 * Kaggle submission. Issue 42's targets are printed beside the figures: best ≥ 8,000 phrases/s and a
 * cold predict ≤ 1.5 s; a student ≤ 50 MB, ≥ 15,000 phrases/s, cold ≤ 0.6 s, peak ≤ 500 MB.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { peakRssMb, run, UNSEEN_PHRASE } from './predict.ts';
import { formatSample, summarize } from './stats.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '3' },
    test: { type: 'string', default: 'data/test.tsv' },
    backend: { type: 'string', default: 'blas' },
  },
});
if (positionals.length === 0) {
  process.stderr.write(
    'usage: npm run bench:models -- MODEL_DIR… [--rounds 3] [--test data/test.tsv] [--backend blas]\n',
  );
  process.exit(2);
}
const rounds = Number(values.rounds);
const env = { SENTIMENT_BACKEND: values.backend };
const out = join(mkdtempSync(join(tmpdir(), 'sentiment-bench-')), 'submission.csv');

const sizeMb = (dir: string) => {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as {
    files?: Record<string, { bytes: number }>;
  };
  return Object.values(meta.files ?? {}).reduce((n, f) => n + f.bytes, 0) / 1e6;
};
const cold: Record<string, number[]> = {};
const rate: Record<string, number[]> = {};
for (const m of positionals) {
  run(['predict', UNSEEN_PHRASE, '--model', m], env); // the file cache warm
  [cold[m], rate[m]] = [[], []];
}
for (let r = 0; r < rounds; r++)
  for (const m of positionals) {
    cold[m].push(run(['predict', UNSEEN_PHRASE, '--model', m], env).seconds);
    const s = run(['predict', '--input', values.test, '--submission', out, '--model', m], env);
    const got = /\(([\d,]+) phrases\/s\)/.exec(s.out);
    if (!got) throw new Error(`unexpected output: ${s.out}`);
    rate[m].push(Number(got[1].replaceAll(',', '')));
  }
const results = positionals.map((m) => ({
  model: m,
  size_mb: sizeMb(m),
  cold_predict_unseen_s: summarize(cold[m]),
  cold_predict_unseen_rss_mb: peakRssMb(['predict', UNSEEN_PHRASE, '--model', m], env),
  submission_phrases_per_s: summarize(rate[m]),
  submission_rss_mb: peakRssMb(['predict', '--input', values.test, '--submission', out, '--model', m], env),
}));
for (const r of results)
  process.stdout.write(
    `${r.model}: ${r.size_mb.toFixed(1)} MB; cold predict ${formatSample(r.cold_predict_unseen_s, 's')}, peak ${r.cold_predict_unseen_rss_mb?.toFixed(0) ?? '?'} MB; submission ${formatSample(r.submission_phrases_per_s, 'phrases/s', 0)}, peak ${r.submission_rss_mb?.toFixed(0) ?? '?'} MB\n`,
  );
// A folder of their own: bench/run.ts compares against the newest JSON directly in results/.
const dir = join(import.meta.dirname, 'results', 'models');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().replaceAll(':', '-').replace('.', '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, backend: values.backend, rounds, results }, null, 2)}\n`,
);
process.stdout.write(`results: ${file}\n`);
