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
import { joinOutOfFold } from './join-out-of-fold.ts';

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
const files = positionals;
const {
  kinds,
  probabilities,
  rowLabels: labels,
  foldOf,
  rows,
  k,
  folds,
} = joinOutOfFold(
  files.map((f) => readOutOfFoldGzip(readFileSync(f), f)),
  files,
);
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
