/**
 * `npm run mutate`: a mutation check of the core. Each mutant is one small deliberate bug (a flipped
 * comparison, a swapped operator, an off-by-one, a dropped negation) put into a copy of the repo, one
 * at a time; the unit tests of that module run against it, and a mutant is killed when they fail.
 * The score is killed / (killed + survived); survivors are listed to judge. Mutants known to be
 * equivalent (the same behaviour written another way, or only another speed: equivalent.ts, each with
 * why) are not run and are listed apart, outside the score. A mutant that hangs the tests past 30 s counts as killed. Not part
 * of `npm test`: it takes about 20 minutes.
 *
 *   npm run mutate                  every module
 *   npm run mutate -- split memory  modules whose path contains a word
 *   npm run mutate -- --count       how many mutants each module gets, without running them
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Equivalent, equivalentOf } from './equivalent.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Each module under test, with the fast unit tests that should notice its bugs. */
const TARGETS: Record<string, string[]> = {
  'src/data/split.ts': ['test/data/split.test.ts'],
  'src/data/table.ts': ['test/data/table.test.ts'],
  'src/data/labels.ts': ['test/data/table.test.ts'],
  'src/data/clean.ts': ['test/data/clean.test.ts'],
  'src/data/tokenizer.ts': ['test/data/tokenizer.test.ts'],
  'src/data/padding.ts': ['test/data/padding.test.ts'],
  'src/data/batches.ts': ['test/data/batches.test.ts'],
  'src/predict/lines.ts': ['test/predict/lines.test.ts'],
  'src/predict/submission.ts': ['test/predict/submission.test.ts'],
  'src/predict/predictor.ts': ['test/predict/predictor.test.ts'],
  'src/model/memory.ts': ['test/model/memory.test.ts'],
  'src/model/blend.ts': ['test/model/blend.test.ts', 'test/train/fit-blend.test.ts'],
  'src/train/fit-blend.ts': ['test/train/fit-blend.test.ts'],
};

/** [pattern, replacement, name]: applied to one occurrence at a time. */
const OPERATORS: [RegExp, string, string][] = [
  [/===/g, '!==', '=== → !=='],
  [/!==/g, '===', '!== → ==='],
  [/ < /g, ' <= ', '< → <='],
  [/ <= /g, ' < ', '<= → <'],
  [/ > /g, ' >= ', '> → >='],
  [/ >= /g, ' > ', '>= → >'],
  [/ && /g, ' || ', '&& → ||'],
  [/ \|\| /g, ' && ', '|| → &&'],
  [/ \+ 1\b/g, '', '+ 1 dropped'],
  [/ - 1\b/g, '', '- 1 dropped'],
  [/ \+ (?!=)/g, ' - ', '+ → -'],
  [/ - (?!=)/g, ' + ', '- → +'],
  [/ \* /g, ' / ', '* → /'],
  [/ \/ /g, ' * ', '/ → *'],
  [/\bMath\.floor\(/g, 'Math.round(', 'floor → round'],
  [/\bMath\.max\(/g, 'Math.min(', 'max → min'],
  [/\bMath\.min\(/g, 'Math.max(', 'min → max'],
  [/\btrue\b/g, 'false', 'true → false'],
  [/\bfalse\b/g, 'true', 'false → true'],
  [/\(!(?!=)/g, '(', 'negation dropped'],
  [/ !(?!=)(?=[\w(.])/g, ' ', 'negation dropped'],
  [/\+\+/g, '--', '++ → --'],
  [/\.slice\(1\)/g, '.slice(0)', 'slice(1) → slice(0)'],
  [/\breturn null;/g, 'return undefined as never;', 'return null → undefined'],
  [/\bcontinue;/g, 'break;', 'continue → break'],
];

interface Mutant {
  file: string;
  line: number;
  operator: string;
  text: string;
}

/** Lines worth mutating: code, not comments, imports, types or strings alone. */
function codeLine(line: string): boolean {
  const t = line.trim();
  return (
    t !== '' &&
    !t.startsWith('//') &&
    !t.startsWith('*') &&
    !t.startsWith('/*') &&
    !t.startsWith('import ') &&
    !t.startsWith('export type') &&
    !/^(readonly |private |public )?[\w?]+: [^=]+;$/.test(t)
  );
}

/** The same line with its string and regex literals blanked, so that operators inside them are left alone. */
function masked(line: string): string {
  return line.replace(
    /'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`|\/(?:\\.|[^/\\\n])+\/[gimsuy]*(?=[.,;)\s])/g,
    (m) => ' '.repeat(m.length),
  );
}

function mutantsOf(file: string, source: string): { mutant: Mutant; code: string }[] {
  const lines = source.split('\n');
  const out: { mutant: Mutant; code: string }[] = [];
  lines.forEach((line, i) => {
    if (!codeLine(line)) return;
    const visible = masked(line);
    for (const [re, to, name] of OPERATORS) {
      for (const m of visible.matchAll(re)) {
        const at = m.index ?? 0;
        const mutated = line.slice(0, at) + m[0].replace(new RegExp(re.source), to) + line.slice(at + m[0].length);
        if (mutated === line) continue; // the same code: no mutant
        const copy = [...lines];
        copy[i] = mutated;
        out.push({ mutant: { file, line: i + 1, operator: name, text: mutated.trim() }, code: copy.join('\n') });
      }
    }
  });
  return out;
}

/** A copy of the repo to mutate: sources and tests copied, the heavy rest linked. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sentiment-mutate-'));
  for (const entry of ['src', 'test', 'package.json', 'tsconfig.json'])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  for (const entry of ['node_modules', 'data', 'native', 'bin', 'dist'])
    symlinkSync(join(ROOT, entry), join(dir, entry));
  return dir;
}

/** A fresh temp folder for one run of the tests, inside the workspace. */
function mkdirTemp(dir: string): string {
  const tmp = join(dir, 'tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  return tmp;
}

/** Runs each test file in one process (node:test runs a file's tests in-process when it is run directly), so that a hang can be killed. */
function runTests(dir: string, tests: string[]): { passed: boolean; seconds: number } {
  const started = performance.now();
  // The tests' temp directories go under the workspace: a killed test cannot clean up after itself.
  const env = { ...process.env, TMPDIR: mkdirTemp(dir) };
  const passed = tests.every(
    (t) =>
      spawnSync(process.execPath, ['--import', 'tsx', t], {
        cwd: dir,
        env,
        stdio: 'ignore',
        timeout: 30_000,
        killSignal: 'SIGKILL',
      }).status === 0,
  );
  rmSync(env.TMPDIR, { recursive: true, force: true });
  return { passed, seconds: (performance.now() - started) / 1000 };
}

function main(): void {
  const dry = process.argv.includes('--count');
  const words = process.argv.slice(2).filter((a) => a !== '--count');
  const targets = Object.entries(TARGETS).filter(([file]) => words.length === 0 || words.some((w) => file.includes(w)));
  if (dry) {
    for (const [file] of targets)
      console.log(`${mutantsOf(file, readFileSync(join(ROOT, file), 'utf8')).length}\t${file}`);
    return;
  }
  const dir = workspace();
  const survivors: Mutant[] = [];
  const equivalents: (Mutant & { why: string })[] = [];
  const scores: { file: string; killed: number; total: number }[] = [];
  try {
    for (const [file, tests] of targets) {
      const original = readFileSync(join(ROOT, file), 'utf8');
      if (!runTests(dir, tests).passed) throw new Error(`${tests.join(' ')} fail without any mutant`);
      let killed = 0;
      const all = mutantsOf(file, original);
      const mutants = all.filter(({ mutant }) => {
        const same: Equivalent | undefined = equivalentOf(mutant);
        if (same) equivalents.push({ ...mutant, why: same.why });
        return same === undefined;
      });
      for (const { mutant, code } of mutants) {
        writeFileSync(join(dir, file), code);
        const r = runTests(dir, tests);
        if (r.passed) survivors.push(mutant);
        else killed++;
        process.stdout.write(r.passed ? 'S' : '.');
      }
      writeFileSync(join(dir, file), original);
      scores.push({ file, killed, total: mutants.length });
      process.stdout.write(`  ${file}: ${killed}/${mutants.length} killed\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const killed = scores.reduce((n, s) => n + s.killed, 0);
  const total = scores.reduce((n, s) => n + s.total, 0);
  console.log(
    `\nmutation score ${((100 * killed) / Math.max(total, 1)).toFixed(1)}% (${killed} of ${total} mutants killed)`,
  );
  for (const s of scores)
    console.log(
      `  ${((100 * s.killed) / Math.max(s.total, 1)).toFixed(1).padStart(5)}%  ${s.file} (${s.killed}/${s.total})`,
    );
  if (equivalents.length) {
    console.log(`\nequivalent, not run nor counted (${equivalents.length}; test/mutation/equivalent.ts says why):`);
    for (const m of equivalents) console.log(`  ${m.file}:${m.line}  ${m.operator}  ${m.text}  (${m.why})`);
  }
  if (survivors.length) {
    console.log('\nsurvivors:');
    for (const m of survivors) console.log(`  ${m.file}:${m.line}  ${m.operator}  ${m.text}`);
  }
}

main();
