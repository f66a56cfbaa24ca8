import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { cleanTexts } from '../../../src/data/encode.ts';
import { makeRng } from '../../../src/data/random.ts';
import type { NgramMember } from '../../../src/model/ngram/member.ts';
import { NgramScorer } from '../../../src/model/ngram/scorer.ts';
import {
  MIN_TEXTS_OFF_THREAD,
  ScoringThread,
  workerArrays,
  worthAThread,
} from '../../../src/model/ngram/scoring-thread.ts';
import { SoftmaxRegression } from '../../../src/model/ngram/softmax.ts';
import { TfidfVectorizer } from '../../../src/model/ngram/vectorizer.ts';
import { trainNgram } from '../../../src/train/train-ngram.ts';
import { ROOT, tempDir } from '../../helpers.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const TEXTS = cleanTexts([
  'a great film',
  'great acting',
  'a terrible film',
  'terrible acting , awful',
  'it is a film',
]);
const LABELS = [4, 4, 0, 0, 2];
/** An n-gram member of the tiny texts: word n-grams up to `wordN` (members of other settings differ there). */
async function tinyMember(seed: number, epochs: number, wordN = 3): Promise<NgramMember> {
  const m = await trainNgram(TEXTS, LABELS, 5, makeRng(seed), {
    config: { wordN: [1, wordN], charN: [2, 5], hashBits: 16 },
    epochs,
    learningRate: 0.5,
    batchSize: 2,
  });
  assert.ok(m);
  return m;
}
const members = [await tinyMember(1, 10), await tinyMember(2, 20), await tinyMember(3, 30)];

// More texts than a thread takes, each made of a few words of the training texts and some unseen ones.
const words = ['great', 'film', 'terrible', 'acting', 'awful', 'a', 'it', 'is', 'plot', 'zzz', ','];
const rng = makeRng(7);
const MANY = cleanTexts(
  Array.from({ length: MIN_TEXTS_OFF_THREAD + 300 }, () =>
    Array.from({ length: 1 + Math.floor(rng() * 8) }, () => words[Math.floor(rng() * words.length)]).join(' '),
  ),
);
const expected = members[0].predictTogether(members, MANY).map((o) => o.probabilities);

describe('n-gram members scored on a worker thread', () => {
  after(() => members.forEach((m) => m.dispose()));

  it('answers as this thread does, to the bit, job after job, with progress that reaches every text', () => {
    const thread = new ScoringThread(members);
    after(() => thread.close());
    const first = thread.start(MANY, { batchSize: 128 });
    const seen: number[] = [];
    const outs = first.wait((done) => seen.push(done));
    assert.deepEqual(
      outs.map((o) => o.probabilities),
      expected,
    );
    assert.equal(first.done(), MANY.length);
    assert.ok(
      seen.every((d, i) => d >= 0 && d <= MANY.length && (i === 0 || d >= seen[i - 1])),
      JSON.stringify(seen),
    );
    const again = thread.start(MANY.slice(0, MIN_TEXTS_OFF_THREAD));
    assert.deepEqual(
      again.wait().map((o) => o.probabilities),
      expected.map((p) => p.slice(0, MIN_TEXTS_OFF_THREAD * 5)),
    );
    thread.start(MANY.slice(0, 10)); // never waited for: its reply must not be taken for the next job's
    assert.deepEqual(
      thread
        .start(MANY.slice(10))
        .wait()
        .map((o) => o.probabilities),
      expected.map((p) => p.slice(10 * 5)),
    );
    assert.equal(thread.failed, null, 'the worker answered every job');
  });

  it('is what a member starts for many texts: the answers of predictTogether', () => {
    const pending = members[0].startTogether(members, MANY);
    assert.ok(pending, `${MANY.length} texts are worth a thread`);
    assert.deepEqual(
      pending.wait().map((o) => o.probabilities),
      expected,
    );
  });

  it('runs from the built library (dist/, plain JavaScript) as from src/', async () => {
    const dir = tempDir();
    const dirs = await Promise.all(members.map((m, i) => m.save(join(dir, `m${i}`)).then(() => join(dir, `m${i}`))));
    writeFileSync(join(dir, 'texts.json'), JSON.stringify(MANY));
    const script = `
      import { readFileSync } from 'node:fs';
      import { NgramMember } from ${JSON.stringify(join(ROOT, 'dist/model/ngram/member.js'))};
      import { ScoringThread } from ${JSON.stringify(join(ROOT, 'dist/model/ngram/scoring-thread.js'))};
      const members = await Promise.all(${JSON.stringify(dirs)}.map((d) => NgramMember.load(d)));
      const thread = new ScoringThread(members);
      const outs = thread.start(JSON.parse(readFileSync(${JSON.stringify(join(dir, 'texts.json'))}, 'utf8'))).wait();
      console.log(JSON.stringify({ failed: thread.failed?.message ?? null, outs: outs.map((o) => Array.from(o.probabilities)) }));
      thread.close();`;
    const got = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
    assert.equal(got.failed, null);
    assert.deepEqual(
      got.outs,
      expected.map((p) => Array.from(p)),
    );
  });

  it("hands the worker a loaded model's shared index tables, and it answers with them as this thread does", () => {
    // As the directory loader reads ngram.bin: every array in one SharedArrayBuffer.
    const inShared = <T extends Int32Array | Float32Array>(a: T): T => {
      const b = new (a.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
      b.set(a);
      return b;
    };
    const shared = members.map(
      ({ vectorizer: v, model: m }) =>
        new NgramScorer(
          new TfidfVectorizer(v.config, inShared(v.buckets), inShared(v.idf)),
          new SoftmaxRegression(m.classes, inShared(m.weights), inShared(m.bias)),
        ),
    );
    for (const [i, arrays] of workerArrays(shared).entries()) {
      assert.equal(arrays.index, shared[i].vectorizer.index, 'the table itself, not a copy');
      assert.ok(arrays.index?.buffer instanceof SharedArrayBuffer);
    }
    // A member trained here has its own memory: the worker builds its table (cheaper than a copy).
    assert.ok(workerArrays(members).every((a) => a.index === null));
    const thread = new ScoringThread(shared);
    after(() => thread.close());
    assert.deepEqual(
      thread
        .start(MANY)
        .wait()
        .map((o) => o.probabilities),
      expected,
    );
    assert.equal(thread.failed, null);
  });

  it('leaves few texts to this thread', () => {
    assert.equal(worthAThread(MIN_TEXTS_OFF_THREAD - 1), false);
    assert.equal(members[0].startTogether(members, MANY.slice(0, 10)), null);
  });

  it('refuses members of other settings, as scoring together does', async () => {
    const other = await tinyMember(4, 2, 2);
    assert.throws(() => members[0].startTogether([members[0], other], MANY), TypeError);
  });

  for (const [name, file] of [
    ['never answers', 'silent-worker.mjs'],
    ['cannot start', 'broken-worker.mjs'],
  ] as const) {
    it(`scores on this thread, with the same answers, when the worker ${name}`, () => {
      const thread = new ScoringThread(members, { workerFile: fixture(file), stallMs: 300 });
      try {
        const outs = thread.start(MANY, { batchSize: 256 }).wait();
        assert.deepEqual(
          outs.map((o) => o.probabilities),
          expected,
        );
        assert.ok(thread.failed, 'the worker is not asked again');
      } finally {
        thread.close();
      }
    });
  }
});
