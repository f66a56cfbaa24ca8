#!/usr/bin/env node
// `npm run setup:tensorflow -- SOURCE`: installs @tensorflow/tfjs-node built against a libtensorflow you
// already have, for machines where its own install (a download from Google's storage) cannot run.
// SOURCE: Google's libtensorflow-cpu-linux-x86_64-*.tar.gz, a TensorFlow pip wheel (tensorflow-cpu-*.whl,
// whose C API is split between libtensorflow_cc.so.2 and libtensorflow_framework.so.2), or an unpacked
// directory of either. The binding is compiled here (node-pre-gyp, node-gyp, g++), about 90 s.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const PKG = '@tensorflow/tfjs-node';
const VERSION = require(path.join(ROOT, 'package.json')).optionalDependencies[PKG];

class SetupError extends Error {}
const fail = (msg) => {
  throw new SetupError(msg);
};
const say = (msg) => process.stderr.write(`setup:tensorflow  ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) fail(`${cmd} could not start (${r.error.message})`);
  return r;
}

function have(cmd) {
  return run('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** The two libraries and the headers in `dir`, in either layout, or null. */
function findLayout(dir) {
  const google = {
    lib: path.join(dir, 'lib', 'libtensorflow.so.2'),
    framework: path.join(dir, 'lib', 'libtensorflow_framework.so.2'),
    include: path.join(dir, 'include'),
  };
  const wheel = {
    lib: path.join(dir, 'tensorflow', 'libtensorflow_cc.so.2'),
    framework: path.join(dir, 'tensorflow', 'libtensorflow_framework.so.2'),
    include: path.join(dir, 'tensorflow', 'include'),
  };
  for (const l of [google, wheel]) {
    if (
      fs.existsSync(l.lib) &&
      fs.existsSync(l.framework) &&
      fs.existsSync(path.join(l.include, 'tensorflow', 'c', 'c_api.h'))
    )
      return l;
  }
  return null;
}

/** Unpacks what the binding needs from an archive into a temporary directory. */
function unpack(source) {
  const fd = fs.openSync(source, 'r');
  const magic = Buffer.alloc(4);
  fs.readSync(fd, magic, 0, 4, 0);
  fs.closeSync(fd);
  const into = fs.mkdtempSync(path.join(os.tmpdir(), 'sentiment-libtensorflow-'));
  // Removed whatever happens next (a real wheel's libraries are about 1 GB).
  always.push(() => fs.rmSync(into, { recursive: true, force: true }));
  if (magic[0] === 0x50 && magic[1] === 0x4b) {
    // A wheel is a zip; Python (which node-gyp needs anyway) reads it without loading it whole.
    // The two libraries, and the headers tfjs-node's binding includes with everything they include.
    const script = [
      'import re, sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'names = set(z.namelist())',
      "root = 'tensorflow/include/'",
      "want = [n for n in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2') if n in names]",
      "todo = ['tensorflow/c/c_api.h', 'tensorflow/c/eager/c_api.h', 'tensorflow/core/platform/ctstring.h', 'tensorflow/core/platform/ctstring_internal.h']",
      'seen = set()',
      'while todo:',
      '    h = todo.pop()',
      '    if h in seen or root + h not in names: continue',
      '    seen.add(h)',
      '    want.append(root + h)',
      "    todo += re.findall(r'^#include \"([^\"]+)\"', z.read(root + h).decode('utf8', 'replace'), re.M)",
      'z.extractall(sys.argv[2], want)',
    ].join('\n');
    const r = run('python3', ['-c', script, source, into]);
    if (r.status !== 0) fail(`${source}: not a readable zip (${(r.stderr || '').trim().split('\n').pop()})`);
  } else if (magic[0] === 0x1f && magic[1] === 0x8b) {
    const r = run('tar', ['-xzf', source, '-C', into]);
    if (r.status !== 0) fail(`${source}: not a readable .tar.gz (${(r.stderr || '').trim().split('\n')[0]})`);
  } else {
    fail(`${source}: neither a TensorFlow wheel (.whl) nor a libtensorflow .tar.gz`);
  }
  return into;
}

function main(argv) {
  if (argv.length !== 1 || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`usage: npm run setup:tensorflow -- SOURCE
  SOURCE: libtensorflow-cpu-linux-x86_64-*.tar.gz (Google's layout), a TensorFlow pip wheel
          (pip download --no-deps tensorflow-cpu==2.21.0), or an unpacked directory of either
Installs ${PKG} ${VERSION} and compiles its binding against that libtensorflow.\n`);
    return argv.length === 1 ? 0 : 2;
  }
  if (process.platform !== 'linux')
    fail(`this route builds for Linux; elsewhere npm install ${PKG} downloads a prebuilt one`);
  const source = path.resolve(argv[0]);
  if (!fs.existsSync(source)) fail(`${argv[0]}: no such file or directory`);
  for (const tool of ['g++', 'make', 'python3'])
    if (!have(tool)) fail(`no ${tool}: the binding is compiled here (apt-get install g++ make python3)`);

  const dir = fs.statSync(source).isDirectory() ? source : unpack(source);
  const layout = findLayout(dir);
  if (!layout)
    fail(
      `${argv[0]}: no libtensorflow here (wanted lib/libtensorflow.so.2 + lib/libtensorflow_framework.so.2 + include/, or a wheel's tensorflow/libtensorflow_cc.so.2 + libtensorflow_framework.so.2 + include/)`,
    );

  say(`installing ${PKG}@${VERSION} without its download`);
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const install = run(
    npm[0],
    [...npm[1], 'install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${PKG}@${VERSION}`],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (install.status !== 0)
    fail(`npm install ${PKG}@${VERSION} failed: ${(install.stderr || '').trim().split('\n').pop()}`);
  const pkgDir = path.join(ROOT, 'node_modules', ...PKG.split('/'));

  // Where the binding's gyp file looks; the binding's RUNPATH ($ORIGIN/../../deps/lib) finds them at run time.
  const deps = path.join(pkgDir, 'deps');
  // A working install stays working until the new one loads: its libraries and binding are set aside,
  // and put back if anything below fails.
  keepAside(deps);
  keepAside(path.join(pkgDir, 'lib'), true);
  fs.mkdirSync(path.join(deps, 'lib'), { recursive: true });
  for (const file of [layout.lib, layout.framework]) fs.copyFileSync(file, path.join(deps, 'lib', path.basename(file)));
  fs.symlinkSync(path.basename(layout.lib), path.join(deps, 'lib', 'libtensorflow.so'));
  fs.symlinkSync(path.basename(layout.framework), path.join(deps, 'lib', 'libtensorflow_framework.so'));
  fs.cpSync(layout.include, path.join(deps, 'include'), { recursive: true });

  say('compiling the binding (about 90 s)');
  const nodedir = path.resolve(path.dirname(process.execPath), '..');
  if (!fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h')))
    fail(
      `no Node headers under ${nodedir}/include/node: install Node with its headers (the official tarball or nodesource package)`,
    );
  const preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [pkgDir] });
  const build = run(process.execPath, [preGyp, 'rebuild', '--build-from-source'], {
    cwd: pkgDir,
    env: { ...process.env, npm_config_nodedir: nodedir },
  });
  if (build.status !== 0) {
    const out = `${build.stdout}\n${build.stderr}`;
    const first = out.split('\n').find((l) => /error/i.test(l)) ?? `exit ${build.status}`;
    fail(`the binding did not compile: ${first.trim()}`);
  }

  const check = run(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(PKG)}); const b = require('@tensorflow/tfjs-core'); process.stdout.write(b.getBackend())`,
    ],
    { cwd: ROOT, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } },
  );
  if (check.status !== 0 || check.stdout.trim() !== 'tensorflow') {
    const why = (check.stderr || '')
      .split('\n')
      .find((l) => /GLIBC|GLIBCXX|CXXABI|cannot open shared object|undefined symbol/.test(l));
    if (why && /GLIBC_|GLIBCXX_|CXXABI_/.test(why))
      fail(
        `this libtensorflow needs a newer C or C++ runtime than this system has (${why.trim()}); use a libtensorflow built for this system`,
      );
    fail(`${PKG} was built but does not load: ${(why ?? (check.stderr || '').trim().split('\n').pop() ?? '').trim()}`);
  }
  const engine = run(
    process.execPath,
    [
      '-e',
      "import('./dist/index.js').then(async (m) => { const e = await m.initEngine('tensorflow'); process.stdout.write(m.describeEngine(e)); })",
    ],
    { cwd: ROOT },
  );
  process.stdout.write(`engine  ${engine.status === 0 ? engine.stdout : 'tensorflow'}\n`);
  for (const drop of onSuccess.splice(0)) drop();
  return 0;
}

/** Run at the end, whatever happened (temporary directories). */
const always = [];
/** Run on success (the set-aside copies go), and on failure in reverse (they come back). */
const onSuccess = [];
const onFailure = [];

/** Moves `dir` aside (copies it, with `copy`: the build cleans it in place) until the run ends. */
function keepAside(dir, copy = false) {
  if (!fs.existsSync(dir)) {
    onFailure.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return;
  }
  const aside = `${dir}.before-setup-${process.pid}`;
  if (copy) fs.cpSync(dir, aside, { recursive: true, verbatimSymlinks: true });
  else fs.renameSync(dir, aside);
  onSuccess.push(() => fs.rmSync(aside, { recursive: true, force: true }));
  onFailure.push(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(aside, dir);
  });
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  for (const undo of onFailure.reverse()) {
    try {
      undo();
    } catch {
      // Put back what can be put back.
    }
  }
  if (!(err instanceof SetupError)) throw err;
  process.stderr.write(
    `setup:tensorflow: ${err.message}${onFailure.length ? '; the earlier install is as it was' : ''}\n`,
  );
  process.exitCode = 2;
} finally {
  for (const f of always) f();
}
