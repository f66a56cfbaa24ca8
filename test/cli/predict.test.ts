import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { LABEL_NAMES } from '../../src/data/labels.ts';
import { autoEngine, sentiment, TEST_TSV, TRAIN_TSV, tempDir, tinyModel } from '../helpers.ts';

interface JsonPrediction {
  text: string;
  label: number;
  label_name: string;
  class_index: number;
  probabilities: number[];
  source: 'memory' | 'model';
}

const parseLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonPrediction);

describe('sentiment predict (the built CLI)', () => {
  let model = '';
  before(async () => {
    model = await tinyModel();
  });

  it('prints the label and the five probabilities as bars, most likely first', async () => {
    const r = sentiment(['predict', 'not good', '--model', model]);
    assert.equal(r.code, 0, r.err);
    const auto = await autoEngine('answer');
    // Quiet on the fastest engine there is; one short line saying how to get it otherwise.
    if (auto === 'blas') assert.equal(r.err, '');
    else
      assert.match(
        r.err,
        /^engine {2}wasm \(WebAssembly; .*\): the native fused LSTM is off, and training with it is about 3½× faster/,
      );
    const verbose = sentiment(['predict', 'not good', '--model', model, '--verbose']);
    // In full: the package and version, and why: the fastest here, or what is off and how to get it.
    assert.match(
      verbose.err,
      new RegExp(
        `^engine {2}${auto} \\(.*4\\.22\\.0\\): ${auto === 'blas' ? 'the fastest engine here for a few texts' : '.*the native fused LSTM is off'}`,
        'm',
      ),
    );
    const lines = r.out.trim().split('\n');
    assert.match(lines[0], /^"not good" {2}→ {2}(negative|somewhat negative|neutral|somewhat positive|positive)$/);
    assert.equal(lines.length, 6);
    const shown = lines.slice(1).map((l) => {
      const m = /^ {2}(.+?) +[█▏▎▍▌▋▊▉ ]+ +([\d.]+)%$/.exec(l);
      assert.ok(m, l);
      return { name: m[1].trim(), pct: Number(m[2]) };
    });
    assert.deepEqual(shown.map((s) => s.name).sort(), [...LABEL_NAMES].sort());
    shown.slice(1).forEach((s, i) => assert.ok(s.pct <= shown[i].pct, 'sorted, most likely first'));
    assert.ok(lines[0].endsWith(shown[0].name));
  });

  it('--json prints one object per text; a phrase scores the same alone and inside a file of mixed lengths', () => {
    const alone = sentiment(['predict', 'not good', '--model', model, '--json']);
    assert.equal(alone.code, 0, alone.err);
    const [a] = parseLines(alone.out);
    assert.deepEqual(Object.keys(a), ['text', 'label', 'label_name', 'class_index', 'probabilities', 'source']);
    assert.equal(a.label_name, LABEL_NAMES[a.label]);
    assert.equal(a.probabilities.length, 5);

    const file = join(tempDir(), 'texts.txt');
    const texts = [
      'a series of escapades demonstrating the adage that what is good for the goose',
      'good',
      'not good',
      'the gander , some of which occasionally amuses',
    ];
    writeFileSync(file, `${texts.join('\n')}\n`);
    const many = sentiment(['predict', '--file', file, '--model', model, '--json', '--batch-size', '2']);
    assert.equal(many.code, 0, many.err);
    const rows = parseLines(many.out);
    assert.deepEqual(
      rows.map((r) => r.text),
      texts,
    );
    rows[2].probabilities.forEach((p, i) => assert.ok(Math.abs(p - a.probabilities[i]) <= 1e-5));
  });

  it('--explain: every word with its push, in JSON and in colour; memory answers say so; not with --submission', () => {
    const j = sentiment(['predict', 'not a good film', 'zzz', '--model', model, '--json', '--explain', '--no-memory']);
    assert.equal(j.code, 0, j.err);
    const [a] = parseLines(j.out) as (JsonPrediction & { explanation: { token: string; contribution: number }[] })[];
    assert.deepEqual(
      a.explanation.map((w) => w.token),
      ['not', 'a', 'good', 'film'],
    );
    assert.ok(a.explanation.every((w) => Number.isFinite(w.contribution)));
    const known = 'A series of escapades demonstrating the adage that what is good for the goose';
    const m = parseLines(
      sentiment(['predict', known, '--model', model, '--json', '--explain']).out,
    )[0] as JsonPrediction & {
      explanation: unknown;
    };
    assert.equal(m.source, 'memory');
    assert.equal(m.explanation, null);
    const human = sentiment(['predict', 'not a good film', '--model', model, '--explain', '--no-memory']);
    assert.match(
      human.out,
      /^ {2}why: not\([+-]\d\.\d\d\) a\([+-]\d\.\d\d\) good\([+-]\d\.\d\d\) film\([+-]\d\.\d\d\)$/m,
    );
    const sub = sentiment([
      'predict',
      '--input',
      TEST_TSV,
      '--submission',
      join(tempDir(), 's.csv'),
      '--explain',
      '--model',
      model,
    ]);
    assert.equal(sub.code, 2);
    assert.match(sub.err, /--explain/);
  });

  it('a damaged model directory is refused even where the phrase memory would answer without loading it', () => {
    const known = 'A series of escapades demonstrating the adage that what is good for the goose';
    const damages: [string, (dir: string) => void, RegExp][] = [
      [
        'a tokenizer index made -1',
        (dir) => {
          const f = join(dir, 'tokenizer.json');
          writeFileSync(f, readFileSync(f, 'utf8').replace(/(\\"the\\": )(\d+)/, '$1-1'));
        },
        /tokenizer\.json: has (other contents|\d+ bytes, more) than when it was saved/,
      ],
      [
        'a truncated weights.bin',
        (dir) => truncateSync(join(dir, 'weights.bin'), 100),
        /weights\.bin: has 100 bytes, fewer/,
      ],
      [
        'a weight changed in place',
        (dir) => {
          const f = join(dir, 'weights.bin');
          const b = readFileSync(f);
          b[0] ^= 1;
          writeFileSync(f, b);
        },
        /weights\.bin: has other contents than when it was saved/,
      ],
    ];
    for (const [what, damage, message] of damages) {
      const dir = join(tempDir(), 'model');
      cpSync(model, dir, { recursive: true });
      damage(dir);
      const r = sentiment(['predict', known, '--model', dir]);
      assert.equal(r.code, 2, `${what}: ${r.out}${r.err}`);
      assert.match(r.err, message, what);
    }
  });

  it('answers typed training phrases from the phrase memory without starting an engine, as it does beside a phrase that needs the model', () => {
    const known = 'A series of escapades demonstrating the adage that what is good for the goose';
    const quick = sentiment(['predict', known, '--model', model, '--json', '--verbose']);
    assert.equal(quick.code, 0, quick.err);
    assert.equal(quick.err, 'engine  none started: the phrase memory holds every text\n');
    const [q] = parseLines(quick.out);
    assert.equal(q.source, 'memory');
    const mixed = sentiment(['predict', known, 'xyzzy plugh', '--model', model, '--json', '--verbose']);
    assert.equal(mixed.code, 0, mixed.err);
    assert.match(mixed.err, /^engine {2}(blas|wasm) /);
    const [m, other] = parseLines(mixed.out);
    assert.deepEqual(m, q);
    assert.equal(other.source, 'model');
    const off = parseLines(sentiment(['predict', known, '--model', model, '--json', '--no-memory']).out)[0];
    assert.equal(off.source, 'model', '--no-memory asks the model');
  });

  it('scores a file on a thread per core and answers typed texts on one (the --verbose engine line says so)', () => {
    const cores = Math.min(8, availableParallelism());
    const file = join(tempDir(), 'texts.txt');
    writeFileSync(file, 'not good\nxyzzy plugh\n');
    const scored = sentiment(['predict', '--file', file, '--model', model, '--verbose'], { timeoutMs: 120_000 });
    assert.equal(scored.code, 0, scored.err);
    const engineLine = scored.err.split('\n').find((l) => l.startsWith('engine')) ?? '';
    if (cores > 1) assert.match(engineLine, new RegExp(`; ${cores} threads$`));
    const typed = sentiment(['predict', 'xyzzy plugh', '--model', model, '--verbose']);
    assert.equal(typed.code, 0, typed.err);
    assert.doesNotMatch(typed.err, /threads?$/m);
  });

  it("reads texts from standard input with '-'", () => {
    const r = sentiment(['predict', '-', '--model', model, '--json'], { input: 'not good\ngreat\n' });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      parseLines(r.out).map((p) => p.text),
      ['not good', 'great'],
    );
  });

  it('writes a Kaggle submission with every row of data/test.tsv, in input order', () => {
    const out = join(tempDir(), 'submission.csv');
    const r = sentiment(['predict', '--input', TEST_TSV, '--submission', out, '--model', model]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^wrote .*submission\.csv: 66,292 rows in/m);
    assert.match(r.err, /^scoring 66,292\/66,292/m, 'progress lines without a TTY');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'PhraseId,Sentiment');
    assert.equal(lines.length, 66_293);
    const ids = readFileSync(TEST_TSV, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[0]);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',')[0]),
      ids,
    );
    assert.ok(lines.slice(1).every((l) => /^\d+,[0-4]$/.test(l)));
  });

  it("each submission row carries its own phrase's label (training phrases: the labels they were trained with), as predict --input prints per row", () => {
    // Rows 1–300 of the training file trained the model (its validation rows are 361–400), and the
    // phrase memory answers them with their stored labels: labels that differ from row to row.
    const train = readFileSync(TRAIN_TSV, 'utf8')
      .split('\n')
      .slice(1, 301)
      .map((l) => l.split('\t'));
    const dir = tempDir();
    const input = join(dir, 'phrases.tsv');
    writeFileSync(
      input,
      `PhraseId\tSentenceId\tPhrase\n${train.map(([id, sid, phrase]) => `${id}\t${sid}\t${phrase}`).join('\n')}\n`,
    );
    const sub = join(dir, 'submission.csv');
    assert.equal(sentiment(['predict', '--input', input, '--submission', sub, '--model', model]).code, 0);
    const written = readFileSync(sub, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    assert.deepEqual(
      written.map(([id]) => id),
      train.map(([id]) => id),
    );
    const agree = written.filter(([, label], i) => label === train[i][3]).length;
    assert.ok(agree >= 290, `${agree} of 300 rows carry their training label`);
    assert.ok(new Set(written.map(([, l]) => l)).size >= 4, 'not one label for everything');

    const rows = sentiment(['predict', '--input', input, '--model', model, '--json']);
    assert.equal(rows.code, 0, rows.err);
    const printed = parseLines(rows.out) as (JsonPrediction & { id: string; line: number })[];
    assert.deepEqual(
      printed.map((p) => [p.id, p.line]),
      train.map(([id], i) => [id, i + 2]),
      'one object per row, with its id and line',
    );
    assert.deepEqual(
      printed.map((p) => String(p.label)),
      written.map(([, l]) => l),
      'the submission is what predict says of each row',
    );
    for (const p of printed) {
      // Probabilities in label order: the label is the most probable class, and its name matches.
      assert.equal(p.probabilities.indexOf(Math.max(...p.probabilities)), p.class_index);
      assert.equal(p.label_name, LABEL_NAMES[p.label]);
    }
  });

  it('fails with exit 2 and one clear line for a missing model, empty text, or a TSV without the columns', () => {
    const missing = join(tempDir(), 'none');
    const noModel = sentiment(['predict', 'not good', '--model', missing]);
    assert.equal(noModel.code, 2);
    assert.equal(noModel.err.trim().split('\n').length, 1);
    assert.match(noModel.err, /no model in .*none\/; train one with `sentiment train data\/train\.tsv --out .*none`/);

    const empty = sentiment(['predict', '  ', '--model', model]);
    assert.equal(empty.code, 2);
    assert.match(empty.err, /empty text/);

    const file = join(tempDir(), 'lines.txt');
    writeFileSync(file, 'good\n\nbad\n');
    const blank = sentiment(['predict', '--file', file, '--model', model, '--json']);
    assert.equal(blank.code, 0, blank.err);
    assert.deepEqual(
      blank.out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { line: number }).line),
      [1, 3],
    );
    assert.match(blank.err, /skipped 1 blank line/);

    const tsv = join(tempDir(), 'bad.tsv');
    writeFileSync(tsv, 'PhraseId\tSentenceId\tBody\n1\t1\tgood\n');
    const out = join(tempDir(), 'sub.csv');
    const cols = sentiment(['predict', '--input', tsv, '--submission', out, '--model', model]);
    assert.equal(cols.code, 2);
    assert.match(cols.err, /bad\.tsv:1: missing column Phrase/);
    assert.ok(!existsSync(out));
  });

  it('refuses conflicting or incomplete sources, and a --submission that is a directory', () => {
    assert.equal(sentiment(['predict', '--model', model]).code, 2, 'refused by the tool: exit 2 (1 is commander’s)');
    assert.match(sentiment(['predict', 'good', '--file', 'x.txt', '--model', model]).err, /exactly one of them/);
    assert.match(
      sentiment(['predict', 'good', '--submission', 'x.csv', '--model', model]).err,
      /--submission needs --input/,
    );
    const dir = join(tempDir(), 'out');
    mkdirSync(dir);
    const r = sentiment(['predict', '--input', TEST_TSV, '--submission', dir, '--model', model]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--submission \S+: points at a directory; give a file name/);
  });

  it('has help for the command and every flag', () => {
    const r = sentiment(['predict', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--model', '--file', '--input', '--submission', '--json', '--batch-size', '--backend'])
      assert.ok(r.out.includes(flag), flag);
  });
});

describe('predict: the flags to one source of texts (in process)', () => {
  it('takes exactly one source, however it is spelt, and refuses what a submission cannot hold', async () => {
    const { predictRequest } = await import('../../src/cli/predict.ts');
    const flags = (over: Record<string, unknown>) => over as unknown as Parameters<typeof predictRequest>[1];
    assert.equal(predictRequest(['-'], flags({})).file, '-');
    assert.equal(predictRequest([], flags({ file: 'f.txt' })).file, 'f.txt');
    assert.equal(predictRequest(['good'], flags({})).file, undefined);
    for (const [texts, over] of [
      [['-', 'bad'], {}],
      [['good'], { file: 'f.txt' }],
      [[], {}],
      [[], { file: 'f.txt', submission: 's.csv' }],
      [[], { input: 't.tsv', submission: 's.csv', explain: true }],
    ] as const)
      assert.throws(() => predictRequest(texts, flags(over)), { name: 'UsageError' }, JSON.stringify([texts, over]));
  });
});
