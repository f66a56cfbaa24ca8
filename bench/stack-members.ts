/**
 * `npm run bench:stack -- <oof.tsv.gz>`: what each member adds to the stack. Reads the out-of-fold table a
 * bagged model (`--preset best`) or a cross-validation (`--folds K`) wrote, and scores the stack on the
 * same folds with every member, then without each one in turn: fold accuracy mean ± sd, and mean loss.
 * A member whose absence costs nothing is a member to drop.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { BlendMethod } from '../src/model/blend.ts';
import { fitStack, meanSd } from '../src/train/stack.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { methods: { type: 'string', default: 'linear,log-linear,logistic' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: npm run bench:stack -- <oof.tsv.gz> [--methods logistic]\n');
  process.exit(2);
}
const lines = gunzipSync(readFileSync(positionals[0])).toString('utf8').trimEnd().split('\n');
const head = lines[0].split('\t');
const columns = head.slice(3).map((c) => c.slice(0, c.lastIndexOf(':')));
const kinds = [...new Set(columns)];
const k = columns.length / kinds.length;
const labelNames = head.slice(3, 3 + k).map((c) => c.slice(c.lastIndexOf(':') + 1));
const rows = lines.length - 1;
const foldOf = new Int32Array(rows);
const labels = new Int32Array(rows);
const probabilities = kinds.map(() => new Float32Array(rows * k));
for (let r = 0; r < rows; r++) {
  const cells = lines[r + 1].split('\t');
  foldOf[r] = Number(cells[1]) - 1;
  labels[r] = labelNames.indexOf(cells[2]);
  kinds.forEach((_, m) => {
    for (let j = 0; j < k; j++) probabilities[m][r * k + j] = Number(cells[3 + m * k + j]);
  });
}
const folds = foldOf.reduce((a, f) => Math.max(a, f), 0) + 1;
const methods = (values.methods ?? '').split(',') as BlendMethod[];

const score = (members: number[]) => {
  const started = performance.now();
  const fit = fitStack(
    members.map((m) => probabilities[m]),
    labels,
    foldOf,
    folds,
    k,
    methods,
  );
  const acc = meanSd(fit.folds.map((f) => f.acc));
  const loss = fit.folds.reduce((a, f) => a + f.loss, 0) / fit.folds.length;
  return { acc, loss, method: fit.blend.method, seconds: (performance.now() - started) / 1000 };
};

process.stdout.write(`${rows} rows, ${folds} folds, members ${kinds.join(', ')}; methods ${methods.join(', ')}\n`);
const all = kinds.map((_, m) => m);
const line = (name: string, s: ReturnType<typeof score>) =>
  `${name.padEnd(28)} ${s.acc.mean.toFixed(4)} ± ${s.acc.sd.toFixed(4)}   loss ${s.loss.toFixed(4)}   ${s.method}   ${s.seconds.toFixed(0)} s\n`;
process.stdout.write(line('all members', score(all)));
for (const m of all) process.stdout.write(line(`without ${kinds[m]}`, score(all.filter((x) => x !== m))));
