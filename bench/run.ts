/**
 * `npm run bench`: speed figures on this machine, as a table and as JSON under bench/results/.
 * Timings are medians of several runs with their range; the machine is noisy, so read the spread too.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '../src/engine/tf.ts';
import { chooseNativePackage, initEngine, type EngineName } from '../src/engine/engine.ts';
import { loadFusedLstmAddon } from '../src/engine/native-addon.ts';
import { PACKAGE_VERSION } from '../src/version.ts';
import type { EpochBench } from './epoch.ts';
import { benchModel } from './model.ts';
import { benchColdPredict, benchPredict, benchStartup, UNSEEN_PHRASE, type PredictBench } from './predict.ts';
import { benchVectors } from './vectors.ts';
import { previousResult } from './previous.ts';
import { compareFigures, formatComparison, ResultsFileError, readResults } from './compare.ts';
import { formatSample, type Sample } from './stats.ts';
import { benchTraining } from './training.ts';

const HELP = `npm run bench [-- options]
  --quick            fewer repetitions; the epoch extrapolated from a sample of batches
  --engines a,b      engines to time (default: tensorflow if it loads, blas if built, and wasm; cpu only when named:
                     one padded step takes minutes there)
  --sample <n>       batches timed for the --quick epoch (default 30)
  --data <tsv>       training data (default data/train.tsv); --test <tsv> for the submission (data/test.tsv)
  --compare <json>   print every figure beside that earlier results file, with the ratio; marks each one more
                     than 15% worse (run it before and after a speed change)
  --against <json>   with --compare: compare this results file instead of running the bench
  --serve            only sentiment serve under load (autocannon): one-text requests at 1, 16 and 64 connections,
                     64-text requests, RSS after 10,000 and after 1,000,000 more requests (100,000 with --quick),
                     and predict a process per call; writes bench/results/<time>-serve.json
Writes bench/results/<time>.json and prints a table.
`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    engines: { type: 'string' },
    sample: { type: 'string', default: '30' },
    data: { type: 'string', default: 'data/train.tsv' },
    test: { type: 'string', default: 'data/test.tsv' },
    compare: { type: 'string' },
    against: { type: 'string' },
    serve: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
/** A bad --compare or --against file is one line and exit 2, before any benchmark runs. */
function readOrExit(file: string): Record<string, unknown> {
  try {
    return readResults(file);
  } catch (err) {
    if (!(err instanceof ResultsFileError)) throw err;
    process.stderr.write(`bench: ${err.message}\n`);
    process.exit(2);
  }
}
if (values.against && !values.compare) {
  process.stderr.write('bench: --against needs --compare FILE\n');
  process.exit(2);
}
const earlier = values.compare ? readOrExit(values.compare) : null;
if (values.against && earlier && values.compare) {
  const now = readOrExit(values.against);
  process.stdout.write(formatComparison(compareFigures(earlier, now), values.compare, [earlier, now]));
  process.exit(0);
}

const quick = values.quick ?? false;
const trainTsv = values.data ?? 'data/train.tsv';
if (values.serve) {
  const { benchServe } = await import('./serve.ts');
  const served = await benchModel(trainTsv);
  const serve = await benchServe({
    modelDir: served.dir,
    testTsv: values.test ?? 'data/test.tsv',
    quick,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const result = {
    date: new Date().toISOString(),
    host: hostname(),
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    node: process.version,
    package_version: PACKAGE_VERSION,
    quick,
    trained_model: served.trained,
    serve,
  };
  const RESULTS_DIR = join(import.meta.dirname, 'results');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = join(RESULTS_DIR, `${result.date.replace(/[:.]/g, '-')}-serve${quick ? '-quick' : ''}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
  if (earlier && values.compare)
    process.stdout.write(`\n${formatComparison(compareFigures(earlier, result), values.compare, [earlier, result])}`);
  process.exit(0);
}
const native = await chooseNativePackage();
const engines = (values.engines?.split(',') ?? [
  ...(native.ok ? ['tensorflow'] : []),
  ...(loadFusedLstmAddon().ok ? ['blas'] : []),
  'wasm',
]) as EngineName[];
const STEP_SHAPES = [53, 16, 8, 4];
/** Timed for a cold predict too when it is there (`train --preset ensemble --embeddings glove-100d --out models/ensemble-glove`). */
const ENSEMBLE_MODEL = 'models/ensemble-glove';

interface EngineResult {
  engine: EngineName;
  steps: Record<string, Sample>;
  epoch: EpochBench;
  /** Peak RSS of the process that timed the steps and the epoch. */
  trainingPeakRssMb: number;
  predict: PredictBench;
}

const RESULTS = join(import.meta.dirname, 'results');
const previous = previousResult(RESULTS, quick);
const { was } = previous;
const model = await benchModel(trainTsv);
const startup = await benchStartup(quick ? 5 : 9);
const notes: string[] = [
  `model for predict: ${model.dir}${model.trained ? '' : ' (untrained, same size: no trained model in models/sentiment)'}`,
];
// One row per measure, one column per engine: the engines side by side.
const table = new Map<string, Map<EngineName, string>>();
const cell = (measure: string, engine: EngineName, value: string) => {
  if (!table.has(measure)) table.set(measure, new Map());
  table.get(measure)?.set(engine, value);
};
const results: EngineResult[] = [];
for (const engine of engines) {
  const {
    reason,
    package: pkg,
    steps,
    epoch,
    peakRssMb: trainingRssMb,
  } = await benchTraining({
    engine,
    stepLengths: STEP_SHAPES,
    stepRuns: quick ? 3 : 5,
    trainTsv,
    sampleBatches: quick ? Number(values.sample) : null,
  });
  notes.push(`${engine}: ${pkg}: ${reason}`);
  for (const t of STEP_SHAPES)
    cell(
      `training step 512×${t}`,
      engine,
      formatSample(steps[`512x${t}`], 's') + was(engine, (_, e) => e?.steps?.[`512x${t}`]?.median, 's'),
    );
  cell(
    `epoch (grouped, ${epoch.totalBatches} batches)`,
    engine,
    `${epoch.seconds.toFixed(0)} s${epoch.extrapolated ? ` (from ${epoch.batchesTimed} batches, training only)` : ' (with validation)'}${was(engine, (_, e) => e?.epoch?.seconds, 's', 0)}`,
  );
  cell('8 epochs (estimate: 8 × epoch)', engine, `${((8 * epoch.seconds) / 60).toFixed(1)} min`);
  cell('peak RSS, steps and epoch (own process)', engine, `${trainingRssMb.toFixed(0)} MB`);
  const predict = await benchPredict({
    model: model.dir,
    trained: model.trained,
    trainTsv,
    testTsv: values.test ?? 'data/test.tsv',
    backend: engine,
    coldRuns: quick ? 3 : 7,
    // One sample of a 7-second command read as a 16–20% regression that 14 interleaved pairs did not show.
    submissionRuns: 3,
  });
  const rss = (mb: number | null) => (mb === null ? '' : `, peak RSS ${mb.toFixed(0)} MB`);
  cell(
    `cold \`predict "not good"\`${model.trained ? ' (from memory)' : ''}`,
    engine,
    `${formatSample(predict.coldPredict, 's')}${rss(predict.coldPredictRssMb)}${was(engine, (_, e) => e?.predict?.coldPredict?.median, 's')}`,
  );
  cell(
    `cold \`predict "${UNSEEN_PHRASE}"\``,
    engine,
    `${formatSample(predict.coldPredictUnseen, 's')}${rss(predict.coldPredictUnseenRssMb)}${was(engine, (_, e) => e?.predict?.coldPredictUnseen?.median, 's')}`,
  );
  if (existsSync(join(ENSEMBLE_MODEL, 'meta.json')))
    cell(
      `cold predict, ${ENSEMBLE_MODEL}`,
      engine,
      formatSample(await benchColdPredict(ENSEMBLE_MODEL, engine, quick ? 3 : 5), 's'),
    );
  cell(
    `submission (${predict.rows.toLocaleString('en-US')} rows)`,
    engine,
    `${formatSample(predict.submissionPhrasesPerSecond, 'phrases/s', 0)}; ${predict.submissionWall.median.toFixed(1)} s`,
  );
  if (predict.validationSeconds)
    cell('evaluate --validation (scoring)', engine, formatSample(predict.validationSeconds, 's'));
  cell('cold predict --explain (unseen phrase)', engine, formatSample(predict.coldExplainUnseen, 's'));
  if (predict.reportWall)
    cell('report (validation rows, whole command)', engine, formatSample(predict.reportWall, 's'));
  results.push({ engine, steps, epoch, trainingPeakRssMb: trainingRssMb, predict });
}
// The vectors member once, on the fastest engine timed (it reads 307 MB and trains for minutes).
await initEngine(engines[0]);
const vectors = await benchVectors(trainTsv, Number(values.sample));
if (vectors.available) {
  table.set(
    'read GloVe 100d (wink, 307 MB)',
    new Map([[engines[0], `${vectors.readSeconds.toFixed(1)} s, +${vectors.readRssMb.toFixed(0)} MB peak RSS`]]),
  );
  table.set(
    `BiLSTM epoch (vectors member, ${vectors.totalBatches} batches)`,
    new Map([
      [engines[0], `${vectors.epochSeconds.toFixed(0)} s (from ${vectors.batchesTimed} batches, training only)`],
    ]),
  );
} else notes.push(`vectors member: not timed: ${vectors.why}`);
const startupWas = was(null, (r) => r.startup_seconds?.median, 's');
table.set(
  '`sentiment --version` (start-up)',
  new Map(engines.map((e) => [e, formatSample(startup, 's') + startupWas])),
);
if (previous.file) notes.push(`(was …): the last ${quick ? 'quick ' : ''}run, bench/results/${previous.file}`);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
notes.push(`peak RSS of this process (predict's model, the vectors member): ${peakRssMb.toFixed(0)} MB`);

const result = {
  date: new Date().toISOString(),
  host: hostname(),
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  node: process.version,
  tfjs: tf.version_core,
  package_version: PACKAGE_VERSION,
  quick,
  model: model.dir,
  trained_model: model.trained,
  engines: results,
  startup_seconds: startup,
  vectors,
  peak_rss_mb: peakRssMb,
};
mkdirSync(RESULTS, { recursive: true });
const file = join(RESULTS, `${result.date.replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

const header = ['', ...engines];
const body = [...table].map(([measure, byEngine]) => [measure, ...engines.map((e) => byEngine.get(e) ?? '')]);
const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i].length)));
for (const r of [header, ...body])
  process.stdout.write(
    `${r
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd()}\n`,
  );
process.stdout.write(`\n${notes.join('\n')}\n`);
process.stdout.write(`\nresults: ${file}\n`);
if (values.compare && earlier) {
  const was = earlier;
  process.stdout.write(`\n${formatComparison(compareFigures(was, result), values.compare, [was, result])}`);
}
process.exit(0);
