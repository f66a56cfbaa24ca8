/**
 * `npm run bench:holdout -- --block 5`: accuracy on text no model of the run has seen. Holds out one
 * block of sentences (block b of --blocks, the same block `--folds` would hold out as fold b), trains
 * each preset on the rest with the CLI, and evaluates each on the held-out block. This is what fold
 * accuracy cannot show: `best`'s fold models together (bagging, every row in some model) against a
 * preset that keeps a tenth of the rows for its own validation. One block of the Kaggle file costs
 * about 30 minutes for `best` and 7 for `ensemble` on 2 cores.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { holdoutBlock } from './holdout-block.ts';
import { BIN } from './launcher.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'data/train.tsv' },
    block: { type: 'string', default: '5' },
    blocks: { type: 'string', default: '5' },
    group: { type: 'string', default: 'SentenceId' },
    presets: { type: 'string', default: 'best,ensemble' },
    embeddings: { type: 'string', default: 'glove-100d' },
    out: { type: 'string', default: '/tmp/sentiment-holdout' },
    reuse: { type: 'boolean', default: false },
    student: { type: 'string', default: '' },
  },
});
const block = Number(values.block);
const blocks = Number(values.blocks);
if (!Number.isInteger(blocks) || blocks < 2 || !Number.isInteger(block) || block < 1 || block > blocks) {
  process.stderr.write(
    'usage: npm run bench:holdout -- [--block b] [--blocks k] [--presets best,ensemble] [--embeddings glove-100d] [--data data/train.tsv] [--out dir] [--reuse]\n' +
      '  --reuse: score models already in <out>/<preset> instead of training them\n' +
      "  'student' in --presets (after best): `train --preset student --teacher <block>/best`, plus the flags in --student\n",
  );
  process.exit(2);
}

const split = (() => {
  try {
    return holdoutBlock(readFileSync(values.data, 'utf8'), values.group, blocks, block);
  } catch (e) {
    throw new Error(`${values.data}: ${(e as Error).message}`);
  }
})();
const dir = join(values.out, `block-${block}-of-${blocks}`);
mkdirSync(dir, { recursive: true });
const trainFile = join(dir, 'train.tsv');
const testFile = join(dir, 'held-out.tsv');
writeFileSync(trainFile, split.train);
writeFileSync(testFile, split.heldOut);
process.stdout.write(
  `block ${block} of ${blocks} by ${values.group}: ${split.trainRows} training rows, ${split.heldOutRows} held out (${dir})\n`,
);

const sentiment = (args: string[], capture: boolean) => {
  const r = spawnSync(BIN, args, {
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  if (r.status !== 0) throw new Error(`sentiment ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
};

interface Scored {
  preset: string;
  train_seconds: number | null;
  accuracy: number;
  macro_f1: number;
  loss: number;
  members: { kind: string; accuracy: number; loss: number }[];
}
const results: Scored[] = [];
for (const preset of (values.presets ?? '').split(',')) {
  const model = join(dir, preset);
  let seconds: number | null = null;
  if (!(values.reuse && existsSync(join(model, 'meta.json')))) {
    const started = performance.now();
    const vectors = values.embeddings ? ['--embeddings', values.embeddings] : [];
    // A student of the block's own best: trained without the block, as the teacher was.
    const how =
      preset === 'student'
        ? [
            '--preset',
            'student',
            '--teacher',
            join(dir, 'best'),
            ...vectors,
            ...(values.student ?? '').split(' ').filter((f) => f !== ''),
          ]
        : ['--preset', preset, ...vectors];
    sentiment(['train', trainFile, ...how, '--out', model], false);
    seconds = (performance.now() - started) / 1000;
  }
  const e = JSON.parse(sentiment(['evaluate', testFile, '--model', model, '--json'], true)) as Omit<
    Scored,
    'preset' | 'train_seconds'
  >;
  results.push({
    preset,
    train_seconds: seconds,
    accuracy: e.accuracy,
    macro_f1: e.macro_f1,
    loss: e.loss,
    members: e.members ?? [],
  });
}

process.stdout.write(`\nheld-out block ${block} of ${blocks} (${split.heldOutRows} rows):\n`);
for (const r of results)
  process.stdout.write(
    `${r.preset.padEnd(10)} accuracy ${r.accuracy.toFixed(4)}  macro-F1 ${r.macro_f1.toFixed(4)}  loss ${r.loss.toFixed(4)}  ` +
      `(${r.members.map((m) => `${m.kind} ${m.accuracy.toFixed(4)}`).join(', ')})` +
      `${r.train_seconds === null ? '' : `  trained in ${(r.train_seconds / 60).toFixed(1)} min`}\n`,
  );
// A folder of their own: bench/run.ts compares against the newest JSON directly in results/.
const resultsDir = join(import.meta.dirname, 'results', 'holdout');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${new Date().toISOString().replaceAll(':', '-').replace('.', '-')}-block-${block}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      data: values.data,
      block,
      blocks,
      train_rows: split.trainRows,
      held_out_rows: split.heldOutRows,
      embeddings: values.embeddings,
      ...((values.presets ?? '').split(',').includes('student') ? { student: values.student } : {}),
      results,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`results: ${file}\n`);
