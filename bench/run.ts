/**
 * `npm run bench`: speed figures on this machine, as a table and as JSON under bench/results/.
 * Timings are medians of several runs with their range; the machine is noisy, so read the spread too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { PACKAGE_VERSION } from '../src/version.ts';
import { benchModel } from './model.ts';
import { benchPredict } from './predict.ts';
import { formatSample } from './stats.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'auto' },
    data: { type: 'string', default: 'data/train.tsv' },
    test: { type: 'string', default: 'data/test.tsv' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(`npm run bench [-- --quick] [--backend auto|tensorflow|wasm|cpu] [--data train.tsv] [--test test.tsv]
  --quick    fewer repetitions
  --backend  engine to time (SENTIMENT_BACKEND for the CLI runs)
Writes bench/results/<time>.json and prints a table.
`);
  process.exit(0);
}

const quick = values.quick ?? false;
const backend = values.backend ?? 'auto';
const rows: [string, string][] = [];
const model = await benchModel(values.data ?? 'data/train.tsv');
rows.push(['model', `${model.dir}${model.trained ? '' : ' (untrained, same size: no trained model in models/sentiment)'}`]);

const predict = await benchPredict({ model: model.dir, testTsv: values.test ?? 'data/test.tsv', backend, coldRuns: quick ? 3 : 7, submissionRuns: quick ? 1 : 3 });
rows.push(['cold `predict "not good"`', formatSample(predict.coldPredict, 's')]);
rows.push([`submission (${predict.rows.toLocaleString('en-US')} rows)`, `${formatSample(predict.submissionPhrasesPerSecond, 'phrases/s', 0)}; whole command ${formatSample(predict.submissionWall, 's', 1)}`]);

const result = {
  date: new Date().toISOString(),
  host: hostname(),
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  node: process.version,
  tfjs: tf.version.tfjs,
  package_version: PACKAGE_VERSION,
  backend,
  quick,
  model: model.dir,
  trained_model: model.trained,
  predict,
};
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${result.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
process.stdout.write(`\nresults: ${file}\n`);
