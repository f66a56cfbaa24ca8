/**
 * `npm run bench:stack -- <oof.tsv.gz> [more]`: what each member adds to the stack. Reads the out-of-fold
 * table a bagged model (`--preset best`) or a cross-validation (`--folds K`) wrote (several tables of the
 * same rows join), and scores the stack on the same folds with every member, then without each one in
 * turn: fold accuracy mean ± sd, and mean loss. A member whose absence costs nothing is a member to drop.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BlendMethod } from '../src/model/blend.ts';
import { readOutOfFoldGzip } from '../src/train/out-of-fold.ts';
import { fitStack, meanSd } from '../src/train/stack.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { methods: { type: 'string', default: 'linear,log-linear,logistic' } },
});
if (positionals.length < 1) {
  process.stderr.write(
    'usage: npm run bench:stack -- <oof.tsv.gz> [more oof.tsv.gz of the same rows] [--methods logistic]\n',
  );
  process.exit(2);
}
// Several tables (say, two seeds' cross-validations) join as one: the same rows, folds and labels.
const tables = positionals.map((f) => readOutOfFoldGzip(readFileSync(f), f));
const [first] = tables;
const k = first.oof.k;
for (const [i, t] of tables.entries()) {
  const same =
    t.oof.rows === first.oof.rows &&
    t.oof.foldOf.every((f, r) => f === first.oof.foldOf[r]) &&
    t.rowLabels.every((l, r) => l === first.rowLabels[r]);
  if (!same) throw new Error(`${positionals[i]}: not the rows, folds and labels of ${positionals[0]}`);
}
const kinds = tables.flatMap((t, i) => t.kinds.map((kind) => (tables.length > 1 ? `${kind}#${i + 1}` : kind)));
const probabilities = tables.flatMap((t) => t.oof.probabilities);
const labels = first.rowLabels;
const foldOf = first.oof.foldOf;
const rows = first.oof.rows;
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
