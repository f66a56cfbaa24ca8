/**
 * A user's own labelled data through the built CLI: each format trained for one tiny epoch, then
 * predicted and evaluated, with the data's own label names end to end.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { sentiment, tempDir, trainHead } from '../helpers.ts';

const TINY = ['--epochs', '1', '--units', '4', '--embedding-dim', '4', '--dense-units', '4', '--batch-size', '16'];
const WORDS = {
  pos: ['great fun', 'a fine film', 'loved it', 'wonderful acting', 'a delight'],
  neg: ['dull', 'a waste of time', 'awful plot', 'boring, slow', 'badly made'],
  mid: ['it exists', 'a film', 'some scenes', 'the cast', 'ninety minutes'],
};

interface Prediction {
  label: string | number;
  label_name: string;
  probabilities: number[];
}
interface Evaluation {
  rows: number;
  accuracy: number;
  per_class: { label: string | number; label_name: string; class_index: number }[];
}

/** `n` rows cycling through the classes given, as [text, label]. */
function rows(classes: (keyof typeof WORDS)[], n = 60): [string, keyof typeof WORDS][] {
  return Array.from({ length: n }, (_, i) => {
    const c = classes[i % classes.length];
    return [`${WORDS[c][Math.floor(i / classes.length) % 5]} ${i}`, c];
  });
}

const csvQuote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Trains on `file` (with `args`), then predicts and evaluates it; returns what each printed. */
function trainPredictEvaluate(
  file: string,
  args: string[] = [],
): {
  train: string;
  meta: { labels: string[]; label_names: string[] };
  prediction: Prediction;
  evaluation: Evaluation;
} {
  const out = join(tempDir(), 'model');
  const t = sentiment(['train', file, ...TINY, '--out', out, ...args]);
  assert.equal(t.code, 0, t.err + t.out);
  const p = sentiment(['predict', 'great fun and a delight', '--json', '--model', out]);
  assert.equal(p.code, 0, p.err);
  const e = sentiment(['evaluate', file, '--json', '--model', out]);
  assert.equal(e.code, 0, e.err);
  return {
    train: t.out,
    meta: JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')),
    prediction: JSON.parse(p.out),
    evaluation: JSON.parse(e.out),
  };
}

describe('your own data through the CLI', () => {
  it('a CSV with a BOM, quoted commas and newlines, and word labels (review,label): no flags needed', () => {
    const dir = tempDir();
    const data = rows(['neg', 'pos']).map(([text, label], i) => [
      i % 7 === 0 ? `${text}, "really"\nsecond line` : text,
      label,
    ]);
    const file = join(dir, 'reviews.csv');
    writeFileSync(file, `\uFEFFreview,label\n${data.map(([t, l]) => `${csvQuote(t)},${l}`).join('\n')}\n`);
    const r = trainPredictEvaluate(file);
    assert.deepEqual(r.meta.labels, ['neg', 'pos'], 'string labels by first appearance');
    assert.match(r.train, /labels {2}neg: 30, pos: 30/);
    assert.equal(r.prediction.probabilities.length, 2);
    assert.ok(['neg', 'pos'].includes(r.prediction.label_name));
    assert.equal(r.evaluation.rows, 60);
    assert.deepEqual(
      r.evaluation.per_class.map((c) => c.label_name),
      ['neg', 'pos'],
    );
  });

  it('JSON Lines with string labels and its own field names, chosen by flags', () => {
    const file = join(tempDir(), 'tweets.jsonl');
    writeFileSync(
      file,
      `${rows(['pos', 'mid', 'neg'])
        .map(([text, label]) => JSON.stringify({ id: text.length, body: text, mood: label }))
        .join('\n')}\n`,
    );
    const r = trainPredictEvaluate(file, ['--text-column', 'body', '--label-column', 'mood']);
    assert.deepEqual(r.meta.label_names, ['pos', 'mid', 'neg']);
    assert.equal(r.prediction.probabilities.length, 3);
    assert.deepEqual(
      r.evaluation.per_class.map((c) => c.label_name),
      ['pos', 'mid', 'neg'],
    );
  });

  it('a binary TSV with 0/1 labels: numeric labels ascending, two bars', () => {
    const file = join(tempDir(), 'imdb.tsv');
    writeFileSync(
      file,
      `text\tlabel\n${rows(['pos', 'neg'])
        .map(([t, l]) => `${t}\t${l === 'pos' ? 1 : 0}`)
        .join('\n')}\n`,
    );
    const r = trainPredictEvaluate(file);
    assert.deepEqual(r.meta.labels, ['0', '1']);
    const out = join(tempDir(), 'm');
    assert.equal(sentiment(['train', file, ...TINY, '--out', out]).code, 0);
    const bars = sentiment(['predict', 'great fun', '--model', out]).out.trim().split('\n').slice(1);
    assert.equal(bars.length, 2, 'one bar per class');
  });

  it('three classes in the order --labels gives, through predict and evaluate', () => {
    const file = join(tempDir(), 'stars.csv');
    const name = { neg: 'low', mid: 'middle', pos: 'high' } as const;
    writeFileSync(
      file,
      `sentence,rating\n${rows(['pos', 'neg', 'mid'])
        .map(([t, l]) => `${csvQuote(t)},${name[l]}`)
        .join('\n')}\n`,
    );
    const r = trainPredictEvaluate(file, ['--labels', 'low,middle,high']);
    assert.deepEqual(r.meta.labels, ['low', 'middle', 'high']);
    assert.deepEqual(
      r.evaluation.per_class.map((c) => c.label_name),
      ['low', 'middle', 'high'],
    );
    assert.ok(['low', 'middle', 'high'].includes(r.prediction.label_name));
  });

  for (const order of [null, '5,4,3,2,1'] as const) {
    it(`star ratings 1–5${order ? ` ordered ${order}` : ''}: JSON, human output and submissions all give the label as written`, () => {
      const dir = tempDir();
      const file = join(dir, 'stars.csv');
      const star = { neg: '1', mid: '3', pos: '5' } as const;
      const data = rows(['pos', 'neg', 'mid'], 90).map(([t, l], i) => [
        t,
        i % 9 === 0 ? '2' : i % 9 === 1 ? '4' : star[l],
      ]);
      writeFileSync(file, `id,review,stars\n${data.map(([t, l], i) => `${i + 1},${csvQuote(t)},${l}`).join('\n')}\n`);
      const out = join(dir, 'model');
      const t = sentiment(['train', file, ...TINY, '--out', out, ...(order ? ['--labels', order] : [])]);
      assert.equal(t.code, 0, t.err + t.out);
      const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { labels: string[] };
      const p = sentiment(['predict', '--input', file, '--json', '--model', out, '--no-memory']);
      assert.equal(p.code, 0, p.err);
      const printed = p.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Prediction & { class_index: number; id: string });
      for (const q of printed) {
        assert.equal(typeof q.label, 'number', 'a numeric label is a JSON number');
        assert.equal(String(q.label), q.label_name, 'the label is the class as written, named as written');
        assert.equal(meta.labels[q.class_index], String(q.label), 'class_index is its position among the classes');
        assert.equal(q.probabilities.indexOf(Math.max(...q.probabilities)), q.class_index);
      }
      const csv = join(dir, 'out.csv');
      assert.equal(sentiment(['predict', '--input', file, '--submission', csv, '--model', out, '--no-memory']).code, 0);
      const written = readFileSync(csv, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
      assert.deepEqual(
        written.map(([id, l]) => [id, l]),
        printed.map((q) => [q.id, String(q.label)]),
        'the submission writes what --json says',
      );
      const human = sentiment(['predict', data[0][0], '--model', out, '--no-memory']);
      const json = JSON.parse(sentiment(['predict', data[0][0], '--model', out, '--no-memory', '--json']).out);
      assert.match(human.out.split('\n')[0], new RegExp(`→ {2}${json.label_name}$`));
      const e = sentiment(['evaluate', file, '--json', '--model', out]);
      const ev = JSON.parse(e.out) as Evaluation;
      ev.per_class.forEach((c, i) => {
        assert.equal(c.class_index, i);
        assert.equal(String(c.label), meta.labels[i]);
        assert.equal(c.label_name, meta.labels[i]);
      });
    });
  }

  it('JSON Lines ids reach the submission as written: beyond 2^53, 1.50, 1e2', () => {
    const dir = tempDir();
    const train = join(dir, 'train.jsonl');
    writeFileSync(
      train,
      `${rows(['pos', 'neg'])
        .map(([text, label]) => JSON.stringify({ text, label }))
        .join('\n')}\n`,
    );
    const out = join(dir, 'model');
    assert.equal(sentiment(['train', train, ...TINY, '--out', out]).code, 0);
    const input = join(dir, 'new.jsonl');
    const ids = ['12345678901234567891', '12345678901234567892', '1.50', '1e2'];
    writeFileSync(input, `${ids.map((id) => `{"id": ${id}, "text": "a fine film"}`).join('\n')}\n`);
    const csv = join(dir, 'out.csv');
    const r = sentiment(['predict', '--input', input, '--submission', csv, '--model', out]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      readFileSync(csv, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
      ids,
    );
  });

  for (const [what, groupOf] of [
    ['two groups of 150 rows', (i: number) => (i < 150 ? 'a' : 'b')],
    ['one group', () => 'a'],
    ['groups interleaved row by row', (i: number) => (i % 2 ? 'a' : 'b')],
  ] as const) {
    it(`--group-column that cannot hold anything out (${what}) is refused, naming the fixes`, () => {
      const dir = tempDir();
      const file = join(dir, 'g.csv');
      writeFileSync(
        file,
        `text,label,doc\n${rows(['pos', 'neg'], 300)
          .map(([t, l], i) => `${csvQuote(t)},${l},${groupOf(i)}`)
          .join('\n')}\n`,
      );
      const out = join(dir, 'model');
      const r = sentiment(['train', file, ...TINY, '--out', out, '--group-column', 'doc']);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /--validation-split 0\.1: holds out no row/);
      assert.match(r.err, /--shuffle-split/);
      assert.match(r.err, /--validation-file/);
    });
  }

  it('reordering the Kaggle classes with --labels keeps their names', () => {
    const out = join(tempDir(), 'model');
    const t = sentiment(['train', trainHead(300), ...TINY, '--out', out, '--labels', '4,3,2,1,0']);
    assert.equal(t.code, 0, t.err + t.out);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as {
      labels: string[];
      label_names: string[];
    };
    assert.deepEqual(meta.labels, ['4', '3', '2', '1', '0']);
    assert.deepEqual(meta.label_names, ['positive', 'somewhat positive', 'neutral', 'somewhat negative', 'negative']);
    const p = JSON.parse(sentiment(['predict', 'a dull film', '--model', out, '--json', '--no-memory']).out);
    assert.equal(p.label_name, ['negative', 'somewhat negative', 'neutral', 'somewhat positive', 'positive'][p.label]);
  });

  it('a gzip-compressed CSV reads as the plain one: same tokenizer, same history', () => {
    const dir = tempDir();
    const text = `review,label\n${rows(['neg', 'pos'])
      .map(([t, l]) => `${csvQuote(t)},${l}`)
      .join('\n')}\n`;
    writeFileSync(join(dir, 'r.csv'), text);
    writeFileSync(join(dir, 'r.csv.gz'), gzipSync(text));
    const trained = ['r.csv', 'r.csv.gz'].map((f) => {
      const out = join(dir, `${f}.model`);
      assert.equal(sentiment(['train', join(dir, f), ...TINY, '--out', out]).code, 0);
      return out;
    });
    assertSameTraining(trained);
  });

  it('the same data as CSV, JSON Lines and TSV gives the same tokenizer and the same history', () => {
    const dir = tempDir();
    const data = rows(['neg', 'pos']);
    writeFileSync(join(dir, 'r.csv'), `review,label\n${data.map(([t, l]) => `${csvQuote(t)},${l}`).join('\n')}\n`);
    writeFileSync(
      join(dir, 'r.jsonl'),
      `${data.map(([review, label]) => JSON.stringify({ review, label })).join('\n')}\n`,
    );
    writeFileSync(join(dir, 'r.tsv'), `review\tlabel\n${data.map(([t, l]) => `${t}\t${l}`).join('\n')}\n`);
    const trained = ['r.csv', 'r.jsonl', 'r.tsv'].map((f) => {
      const out = join(dir, `${f}.model`);
      const r = sentiment(['train', join(dir, f), ...TINY, '--out', out]);
      assert.equal(r.code, 0, r.err);
      return out;
    });
    assertSameTraining(trained);
  });
});

function assertSameTraining(dirs: string[]): void {
  const tokenizers = dirs.map((d) => readFileSync(join(d, 'tokenizer.json'), 'utf8'));
  const histories = dirs.map((d) =>
    (
      JSON.parse(readFileSync(join(d, 'history.json'), 'utf8')) as { epochs: { loss: number; val_acc: number }[] }
    ).epochs.map((e) => [e.loss, e.val_acc]),
  );
  for (let i = 1; i < dirs.length; i++) {
    assert.equal(tokenizers[i], tokenizers[0], `${dirs[i]}: tokenizer`);
    assert.deepEqual(histories[i], histories[0], `${dirs[i]}: history`);
  }
}
