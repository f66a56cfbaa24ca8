/**
 * What a hostile or careless user does to the built CLI beyond bad training data (bad-input.test.ts):
 * closed pipes, full disks, a diverging run, submissions that would change the data, permissions,
 * odd history files and terminals. Each ends in one line and a known exit code, never a stack trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BIN, ROOT, sentiment, TEST_TSV, tempDir, tinyModel, trainHead, type CliResult } from '../helpers.ts';

const TINY = ['--units', '4', '--embedding-dim', '4', '--dense-units', '4', '--max-words', '300', '--batch-size', '32'];
const STACK = /^\s+at |Error: [A-Z]+:|node:internal/m;

/** Runs `sentiment ARGS | head -1` in bash; the exit code is sentiment's, not head's. */
function intoHead(args: string[]): CliResult {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted} | head -1; exit \${PIPESTATUS[0]}`], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs the CLI in a pseudo-terminal (util-linux `script`), so it believes it is on a TTY. */
function inTerminal(args: string[], env: NodeJS.ProcessEnv): string {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  // A plain colour terminal, whatever runs the tests: chalk turns colour off under CI=… or without TERM.
  const env2: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'CI', 'COLORTERM', 'TERM_PROGRAM']) delete env2[name];
  Object.assign(env2, env);
  return spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: env2 }).stdout;
}

const hasScript = spawnSync('script', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

/** The CLI as an unprivileged user: nobody (through setpriv) when the tests run as root. */
function asUser(args: string[]): CliResult {
  const [cmd, pre] = isRoot
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath]]
    : [process.execPath, []];
  const r = spawnSync(cmd, [...pre, BIN, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A directory anyone can read, for a model or data an unprivileged run reads. */
function openDir(): string {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  return dir;
}

function oneLineError(r: CliResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.err + r.out);
  const lines = r.err.split('\n').filter((l) => l.startsWith('error:'));
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0], message);
  assert.doesNotMatch(r.err, STACK);
}

describe('the CLI under hostile or careless use', () => {
  let model = '';
  let phrases = '';
  let kaggleTest = '';
  before(async () => {
    kaggleTest = join(openDir(), 'test.tsv');
    writeFileSync(kaggleTest, readFileSync(TEST_TSV, 'utf8').split('\n').slice(0, 200).join('\n'));
    model = await tinyModel({ rows: 300 });
    phrases = join(tempDir(), 'phrases.txt');
    writeFileSync(phrases, 'a good film\nrather dull\n'.repeat(20_000));
  });

  it('a closed pipe ends predict and train quietly with 141, leaving no model and no staging directory', () => {
    const p = intoHead(['predict', '--file', phrases, '--model', model]);
    assert.equal(p.code, 141, p.err);
    assert.equal(p.out.trim().split('\n').length, 1);
    assert.doesNotMatch(p.err, STACK);

    const out = join(tempDir(), 'model');
    const t = intoHead(['train', trainHead(2000), ...TINY, '--epochs', '30', '--out', out]);
    assert.equal(t.code, 141, t.err);
    assert.doesNotMatch(t.err, STACK);
    assert.ok(!existsSync(join(out, 'model.json')), 'a stopped run saves no model');
    assert.deepEqual(
      existsSync(out) ? readdirSync(out) : [],
      existsSync(join(out, 'checkpoint')) ? ['checkpoint'] : [],
      'only a resumable checkpoint',
    );
    assert.deepEqual(
      readdirSync(join(out, '..')).filter((f) => f.startsWith('.')),
      [],
      'no staging directory or lock',
    );
  });

  it('a full device on standard output or as --submission is one line, exit 2', (t) => {
    if (!existsSync('/dev/full')) return t.skip('no /dev/full on this system');
    const r = spawnSync(
      'bash',
      ['-c', `'${process.execPath}' '${BIN}' predict --file '${phrases}' --model '${model}' > /dev/full`],
      { encoding: 'utf8' },
    );
    oneLineError(
      { code: r.status, out: r.stdout, err: r.stderr },
      2,
      /^error: standard output: no space left on the device/,
    );
    oneLineError(
      sentiment(['predict', '--model', model, '--input', kaggleTest, '--submission', '/dev/full']),
      2,
      /no space left on the device/,
    );
  });

  it('training that diverges stops with what to try, exit 2, and saves no model', () => {
    const out = join(tempDir(), 'model');
    const r = sentiment(['train', trainHead(300), ...TINY, '--epochs', '3', '--learning-rate', '1e30', '--out', out]);
    oneLineError(
      r,
      2,
      /^error: training diverged in epoch 1: (the weight \S+ is no longer a finite number|the loss became NaN)/,
    );
    assert.match(r.err, /try a lower --learning-rate/);
    assert.ok(!existsSync(join(out, 'model.json')));
  });

  it('a submission keeps ids as written, refuses duplicate ids and never writes over its input', () => {
    const dir = tempDir();
    const input = join(dir, 'test.tsv');
    const head = 'PhraseId\tSentenceId\tPhrase\n';
    writeFileSync(input, `${head}9007199254740993\t1\tgood film\n0002\t1\tbad\n`);
    const sub = join(dir, 'sub.csv');
    assert.equal(sentiment(['predict', '--model', model, '--input', input, '--submission', sub]).code, 0);
    assert.deepEqual(
      readFileSync(sub, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(',')[0]),
      ['PhraseId', '9007199254740993', '0002'],
    );

    const dup = join(dir, 'dup.tsv');
    writeFileSync(dup, `${head}7\t1\tgood\n8\t1\tbad\n7\t1\tworse\n`);
    oneLineError(
      sentiment(['predict', '--model', model, '--input', dup, '--submission', join(dir, 'd.csv')]),
      2,
      /dup\.tsv:4: id 7 is also on line 2/,
    );
    assert.ok(!existsSync(join(dir, 'd.csv')));

    const before = readFileSync(input);
    symlinkSync(input, join(dir, 'link.tsv'));
    for (const target of [input, join(dir, 'link.tsv')]) {
      oneLineError(
        sentiment(['predict', '--model', model, '--input', input, '--submission', target]),
        2,
        /is the input file/,
      );
    }
    assert.deepEqual(readFileSync(input), before);
  });

  it('writes a --submission through a symbolic link, which stays a link', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'real.csv'), 'old');
    symlinkSync(join(dir, 'real.csv'), join(dir, 'link.csv'));
    const r = sentiment(['predict', '--model', model, '--input', kaggleTest, '--submission', join(dir, 'link.csv')]);
    assert.equal(r.code, 0, r.err);
    assert.ok(lstatSync(join(dir, 'link.csv')).isSymbolicLink());
    assert.equal(readlinkSync(join(dir, 'link.csv')), join(dir, 'real.csv'));
    assert.match(readFileSync(join(dir, 'real.csv'), 'utf8'), /^PhraseId,Sentiment\n/);
  });

  it('refuses what it may not write, as a user without the permission: one line naming the path, exit 2, nothing written', async (t) => {
    if (isRoot && !hasSetpriv) return t.skip('running as root without setpriv: permissions do not stop root');
    const dir = openDir();
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    const data = join(dir, 'train.tsv');
    writeFileSync(data, readFileSync(trainHead(200)));
    const readable = join(dir, 'model');
    mkdirSync(readable);
    for (const f of readdirSync(model))
      if (f !== 'checkpoint') writeFileSync(join(readable, f), readFileSync(join(model, f)));
    chmodSync(readable, 0o555);
    oneLineError(
      asUser(['train', data, ...TINY, '--epochs', '1', '--out', join(locked, 'model')]),
      2,
      /--out \S+locked\/model: cannot be made or replaced: \S+locked is not writable/,
    );
    oneLineError(
      asUser(['train', data, ...TINY, '--epochs', '1', '--out', locked]),
      2,
      /--out \S+locked: cannot be written/,
    );
    oneLineError(
      asUser(['predict', '--model', readable, '--input', kaggleTest, '--submission', join(locked, 's.csv')]),
      2,
      /--submission \S+s\.csv: cannot write in \S+locked/,
    );
    oneLineError(asUser(['plot-history', '--model', readable]), 2, /history\.png: cannot write in \S+model/);
    assert.deepEqual(readdirSync(locked), []);
  });

  it('plot-history reads NaN/Infinity (Python json.dump) and a BOM, and refuses a history without numbers', () => {
    const dir = tempDir();
    const files = {
      'nan.json':
        '{"loss": [1.5, NaN, Infinity], "val_loss": [1.4, 1.3, -Infinity], "acc": [0.3, 0.4, 0.5], "val_acc": [0.3, 0.35, 0.4]}',
      'bom.json': '\uFEFF{"loss": [1.5, 1.2], "acc": [0.3, 0.4]}',
      'none.json': '{"loss": [null, NaN], "acc": [null, null]}',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    for (const name of ['nan.json', 'bom.json']) {
      const r = sentiment(['plot-history', '--history', join(dir, name), '--out', join(dir, `${name}.svg`)]);
      assert.equal(r.code, 0, r.err);
      assert.match(readFileSync(join(dir, `${name}.svg`), 'utf8'), /<polyline|<path/);
    }
    oneLineError(
      sentiment(['plot-history', '--history', join(dir, 'none.json'), '--out', join(dir, 'none.svg')]),
      2,
      /none\.json: holds no numbers/,
    );
    assert.ok(!existsSync(join(dir, 'none.svg')));
  });

  it('a terminal with NO_COLOR or TERM=dumb gets no escape codes; a plain terminal gets colour', (t) => {
    if (!hasScript) return t.skip('util-linux script is not installed: no pseudo-terminal to test with');
    const predict = ['predict', 'a good film', '--model', model];
    assert.match(inTerminal(predict, {}), /\x1b\[/, 'colour on a terminal');
    assert.doesNotMatch(inTerminal(predict, { NO_COLOR: '1' }), /\x1b/);
    const train = inTerminal(['train', trainHead(300), ...TINY, '--epochs', '1', '--out', join(tempDir(), 'm')], {
      TERM: 'dumb',
    });
    assert.match(train, /done/);
    assert.doesNotMatch(train, /\x1b/, 'no colour and no cursor movement for a dumb terminal');
  });
});

describe('retraining into an existing model directory', () => {
  it("leaves only what the new meta.json describes, the run's checkpoint and the user's own files", () => {
    const out = join(tempDir(), 'model');
    const data = trainHead(200);
    const first = sentiment(['train', data, ...TINY, '--epochs', '1', '--out', out, '--plot']);
    assert.equal(first.code, 0, first.err);
    assert.ok(existsSync(join(out, 'history.png')) && existsSync(join(out, 'memory.tsv.gz')));
    // What an ensemble leaves, and a file of the user's.
    mkdirSync(join(out, 'ngram'));
    writeFileSync(join(out, 'ngram', 'ngram.json'), '{}');
    writeFileSync(join(out, 'crossval.json'), '{}');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const second = sentiment(['train', data, ...TINY, '--epochs', '1', '--out', out, '--no-memory']);
    assert.equal(second.code, 0, second.err);
    const entries = readdirSync(out).sort();
    assert.deepEqual(entries, [
      'checkpoint',
      'history.json',
      'meta.json',
      'model.json',
      'notes.txt',
      'tokenizer.json',
      'weights.bin',
    ]);
    assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine');
  });
});

describe('a slow reader on standard output', () => {
  it('predict waits for it without piling up listeners (no MaxListenersExceededWarning), and every line arrives', async () => {
    const model = await tinyModel({ rows: 100 });
    const dir = tempDir();
    const texts = join(dir, 'texts.txt');
    writeFileSync(
      texts,
      `${Array.from({ length: 3000 }, (_, i) => `a slow reader reads line ${i} of many`).join('\n')}\n`,
    );
    // Reads 2 KB every 2 ms: the pipe fills, and each write waits for it to drain.
    const reader = join(dir, 'slow-reader.cjs');
    writeFileSync(
      reader,
      "let n = 0; const take = () => { const c = process.stdin.read(2048); if (c) n += c.toString().split('\\n').length - 1; }; const t = setInterval(take, 2); process.stdin.on('end', () => { clearInterval(t); console.log(n); });",
    );
    const quoted = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
    const command = `${[process.execPath, BIN, 'predict', '--file', texts, '--json', '--model', model].map(quoted).join(' ')} 2>${quoted(join(dir, 'err.txt'))} | ${quoted(process.execPath)} ${quoted(reader)}`;
    const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(readFileSync(join(dir, 'err.txt'), 'utf8'), /MaxListenersExceeded|Warning/);
    assert.equal(r.stdout.trim().split('\n').at(-1), '3000', 'every line reached the reader');
  });
});
