// npm's install step for the addon. The addon is optional: when it cannot be built (no compiler,
// no OpenBLAS) the install still succeeds, and the reason is kept in build-error.txt for
// sentiment's engine line. `npm rebuild sentiment-fused-lstm` runs this again.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const errorFile = path.join(__dirname, 'build-error.txt');
fs.rmSync(errorFile, { force: true });

// npm runs lifecycle scripts with its bundled node-gyp on PATH and names it in npm_config_node_gyp.
const gyp = process.env.npm_config_node_gyp;
const [cmd, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const run = spawnSync(cmd, args, { cwd: __dirname, encoding: 'utf8', shell: !gyp });
const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
if (run.status === 0) process.exit(0);

function reason() {
  if (run.error) return `node-gyp could not start (${run.error.message})`;
  if (/cblas\.h: No such file/.test(output)) return 'OpenBLAS is not installed (no cblas.h)';
  if (/cannot find -lopenblas/.test(output)) return 'OpenBLAS is not installed (no libopenblas)';
  if (/(g\+\+|c\+\+|make): (not found|No such file)|not find any (Visual Studio|compiler)/i.test(output))
    return 'no C++ compiler or make';
  if (/gyp ERR! find Python/.test(output)) return 'no Python for node-gyp';
  const first = output.split('\n').find((line) => /error/i.test(line));
  return `the build failed (${(first ?? `exit ${run.status}`).trim()})`;
}

const why = reason();
fs.writeFileSync(errorFile, `${why}\n\n${output.slice(-4000)}`);
console.warn(`sentiment-fused-lstm: not built: ${why}. sentiment trains without it, more slowly.`);
console.warn('To build it: apt-get install g++ make libopenblas-dev, then npm rebuild sentiment-fused-lstm');
