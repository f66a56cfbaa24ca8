import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadModelDirectory } from '../../src/model/directory.ts';
import { cleanTexts } from '../../src/data/encode.ts';
import type { RecurrentMember } from '../../src/model/recurrent-member.ts';
import { checkText, Predictor } from '../../src/predict/predictor.ts';
import type { LoadedModel } from '../../src/model/directory.ts';
import type { Member } from '../../src/model/member.ts';
import type { Blend } from '../../src/model/blend.ts';
import { PhraseMemory } from '../../src/model/memory.ts';
import { InputError } from '../../src/errors.ts';
import { tinyModel } from '../helpers.ts';

const TEXTS = [
  'not good',
  'a masterpiece , brilliant and moving',
  'the worst movie of the year',
  'xyzzy plugh', // no known word
  'good',
  'A series of escapades demonstrating the adage that what is good for the goose is also good for the gander',
  'not good', // a repeat in another position
  'it is a film',
];

function maxDiff(a: number[], b: number[]): number {
  return Math.max(...a.map((x, i) => Math.abs(x - b[i])));
}

describe('Predictor', () => {
  const dirs: Record<'group' | 'max', string> = { group: '', max: '' };
  before(async () => {
    dirs.group = await tinyModel({ pad: 'group' });
    dirs.max = await tinyModel({ pad: 'max' });
  });

  for (const mode of ['group', 'max'] as const) {
    it(`gives a phrase the same probabilities alone and among phrases of other lengths (${mode} batching)`, async () => {
      const loaded = await loadModelDirectory(dirs[mode]);
      assert.equal((loaded.members[0] as RecurrentMember).input.batching, mode);
      const alone = TEXTS.map((t) => new Predictor(loaded).predict([t]).predictions[0]);
      for (const batchSize of [1, 3, 512]) {
        const together = new Predictor(loaded, { batchSize }).predict(TEXTS).predictions;
        together.forEach((p, i) => {
          assert.ok(maxDiff(p.probabilities, alone[i].probabilities) <= 1e-5, `${TEXTS[i]} (batch size ${batchSize})`);
          assert.equal(p.label, alone[i].label);
        });
      }
      loaded.dispose();
    });
  }

  it('returns five probabilities summing to 1, the label being the most likely class', async () => {
    const loaded = await loadModelDirectory(dirs.group);
    const { predictions } = new Predictor(loaded).predict(TEXTS);
    assert.equal(predictions.length, TEXTS.length);
    for (const p of predictions) {
      assert.equal(p.probabilities.length, 5);
      assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      assert.equal(p.probabilities[p.index], Math.max(...p.probabilities));
    }
    loaded.dispose();
  });

  it("cuts a text longer than the model's length to its last tokens, as pad_sequences does, and counts it", async () => {
    const loaded = await loadModelDirectory(dirs.group);
    const predictor = new Predictor(loaded);
    const maxLen = (loaded.members[0] as RecurrentMember).input.maxLen;
    const words = Array.from({ length: maxLen + 20 }, (_, i) =>
      i % 3 === 0 ? 'good' : i % 3 === 1 ? 'goose' : 'story',
    );
    const long = words.join(' ');
    const tail = words.slice(20).join(' ');
    const a = predictor.predict([long, 'fine']);
    const b = predictor.predict([tail]);
    assert.equal(a.truncated, 1);
    assert.equal(b.truncated, 0);
    const member = loaded.members[0] as RecurrentMember;
    assert.deepEqual(member.encode(cleanTexts([long])).sequences[0], member.encode(cleanTexts([tail])).sequences[0]);
    assert.ok(maxDiff(a.predictions[0].probabilities, b.predictions[0].probabilities) <= 1e-6);
    loaded.dispose();
  });
});

/** A member that answers from a table (cleaned text → probabilities), reporting progress per text. */
function tableMember(table: Record<string, number[]>, maxLen: number | null, truncated = 0): Member {
  return {
    kind: 'ngram',
    numClasses: 3,
    maxLen,
    predict(cleaned, opts) {
      const probabilities = new Float32Array(cleaned.length * 3);
      cleaned.forEach((c, i) => {
        probabilities.set(table[c] ?? [1 / 3, 1 / 3, 1 / 3], i * 3);
        opts?.onProgress?.(i + 1, cleaned.length);
      });
      return { probabilities, truncated };
    },
    save: async () => [],
    entry: () => ({ kind: 'ngram', path: 'ngram' }),
    dispose: () => undefined,
  };
}

function loadedWith(members: Member[], blend: Blend | null, memory: PhraseMemory | null = null): LoadedModel {
  return {
    dir: 'stub',
    layout: 'sentiment',
    meta: null,
    history: null,
    settings: null,
    labels: ['a', 'b', 'c'],
    labelNames: ['neg', 'mid', 'pos'],
    members,
    blend,
    memory,
    dispose: () => undefined,
  };
}

describe('Predictor over members', () => {
  const first = tableMember({ good: [0.1, 0.2, 0.7], bad: [0.6, 0.3, 0.1] }, 30, 1);
  const second = tableMember({ good: [0.3, 0.3, 0.4], bad: [0.2, 0.2, 0.6] }, 12, 2);

  it('blends the members with the stored weights; one member alone is its own answer', () => {
    const blend: Blend = { method: 'linear', weights: [0.25, 0.75] };
    const both = new Predictor(loadedWith([first, second], blend)).predict(['good', 'bad'], undefined, true);
    const expected = [
      [0.25, 0.275, 0.475],
      [0.3, 0.225, 0.475],
    ];
    both.predictions.forEach((p, i) =>
      p.probabilities.forEach((x, j) => assert.ok(Math.abs(x - expected[i][j]) < 1e-6, `${i},${j}: ${x}`)),
    );
    assert.deepEqual(
      both.predictions.map((p) => p.labelName),
      ['pos', 'pos'],
    );
    assert.equal(both.truncated, 2, 'the most texts any member cut');
    assert.equal(both.memberOutputs.length, 2);
    const alone = new Predictor(loadedWith([second], null)).predict(['good', 'bad']);
    assert.deepEqual(
      alone.predictions.map((p) => p.probabilities.map((x) => Math.round(x * 10) / 10)),
      [
        [0.3, 0.3, 0.4],
        [0.2, 0.2, 0.6],
      ],
    );
  });

  it("reports progress over every member's texts: done counts up to members × texts", () => {
    const calls: [number, number][] = [];
    new Predictor(loadedWith([first, second], { method: 'linear', weights: [0.5, 0.5] })).predict(
      ['good', 'bad', 'meh'],
      (done, total) => calls.push([done, total]),
      true,
    );
    assert.ok(
      calls.every(([, total]) => total === 6),
      JSON.stringify(calls),
    );
    assert.deepEqual(
      calls.map(([done]) => done),
      [1, 2, 3, 4, 5, 6],
    );
    const direct: [number, number][] = [];
    new Predictor(loadedWith([first, second], { method: 'linear', weights: [0.5, 0.5] })).memberOutputs(
      ['good', 'bad', 'meh'],
      (done, total) => direct.push([done, total]),
    );
    assert.deepEqual(direct, calls, 'memberOutputs counts the same way');
  });

  it("knows as many of a text's words as the member that reads the most of them", () => {
    const reads = (n: number): Member => ({
      ...tableMember({}, null),
      wordsRead: (w) => w.slice(0, n).map((_, i) => i),
    });
    const blend: Blend = { method: 'linear', weights: [0.5, 0.5] };
    assert.equal(new Predictor(loadedWith([reads(1), reads(3)], blend)).knownWords('a b c d'), 3);
    assert.equal(new Predictor(loadedWith([reads(3), reads(1)], blend)).knownWords('a b c d'), 3);
    assert.equal(new Predictor(loadedWith([first], null)).knownWords('a b'), null, 'no member tells');
  });

  it('takes the shortest input limit of its members, none when no member has one', () => {
    assert.equal(new Predictor(loadedWith([first, second], { method: 'linear', weights: [0.5, 0.5] })).maxLen, 12);
    assert.equal(new Predictor(loadedWith([second, first], { method: 'linear', weights: [0.5, 0.5] })).maxLen, 12);
    assert.equal(
      new Predictor(loadedWith([tableMember({}, null), first], { method: 'linear', weights: [0.5, 0.5] })).maxLen,
      30,
    );
    assert.equal(new Predictor(loadedWith([tableMember({}, null)], null)).maxLen, null);
  });

  it('reports progress over all members together, reaching the total once', () => {
    const seen: [number, number][] = [];
    new Predictor(loadedWith([first, second], { method: 'linear', weights: [0.5, 0.5] })).predict(
      ['good', 'bad', 'ugly'],
      (done, total) => seen.push([done, total]),
    );
    assert.deepEqual(seen, [
      [1, 6],
      [2, 6],
      [3, 6],
      [4, 6],
      [5, 6],
      [6, 6],
    ]);
  });

  it('scores members that share work together, once, and puts each answer in its place', () => {
    const together: string[][] = [];
    const sharing = (name: string, table: Record<string, number[]>): Member =>
      ({
        ...tableMember(table, null),
        shareKey: 'same',
        predictTogether(members, cleaned, opts) {
          together.push(members.map((m) => (m as Member & { name: string }).name));
          cleaned.forEach((_, i) => opts?.onProgress?.(i + 1, cleaned.length));
          return members.map((m) => m.predict(cleaned));
        },
        name,
      }) as Member;
    const a = sharing('a', { good: [0.2, 0.2, 0.6] });
    const c = sharing('c', { good: [0.5, 0.4, 0.1] });
    const seen: number[] = [];
    const got = new Predictor(loadedWith([a, first, c], { method: 'linear', weights: [1, 1, 1] })).predict(
      ['good', 'bad', 'meh'],
      (done, total) => {
        assert.equal(total, 9);
        seen.push(done);
      },
      true,
    );
    assert.deepEqual(together, [['a', 'c']], 'one call for both, in member order');
    assert.deepEqual(Array.from(got.memberOutputs[0].subarray(0, 3)), Array.from(Float32Array.of(0.2, 0.2, 0.6)));
    assert.deepEqual(Array.from(got.memberOutputs[2].subarray(0, 3)), Array.from(Float32Array.of(0.5, 0.4, 0.1)));
    assert.deepEqual(Array.from(got.memberOutputs[1].subarray(0, 3)), Array.from(Float32Array.of(0.1, 0.2, 0.7)));
    assert.deepEqual(seen, [2, 4, 6, 7, 8, 9]);
  });

  it('starts members that can score on another thread first, scores the rest here, then waits for them', () => {
    const events: string[] = [];
    // Scores when waited for, reporting progress as a worker's count would come.
    const away = (name: string, table: Record<string, number[]>): Member => ({
      ...tableMember(table, null),
      shareKey: 'away',
      predictTogether: (members, cleaned) => members.map((m) => m.predict(cleaned)),
      startTogether(members, cleaned) {
        events.push(`start ${name}`);
        let done = 0;
        return {
          done: () => done,
          wait(onProgress) {
            events.push(`wait ${name}`);
            for (done = 1; done <= cleaned.length; done++) onProgress?.(done);
            done = cleaned.length;
            return members.map((m) => m.predict(cleaned));
          },
        };
      },
    });
    const here: Member = {
      ...first,
      predict(cleaned, opts) {
        events.push('here');
        return first.predict(cleaned, opts);
      },
    };
    const [a, c] = [away('a', { good: [0.2, 0.2, 0.6] }), away('c', { bad: [0.5, 0.4, 0.1] })];
    const blend: Blend = { method: 'linear', weights: [1, 2, 3] };
    const texts = ['good', 'bad', 'meh'];
    const seen: [number, number][] = [];
    const got = new Predictor(loadedWith([a, here, c], blend)).predict(texts, (done, total) =>
      seen.push([done, total]),
    );
    assert.deepEqual(events, ['start a', 'here', 'wait a'], 'one start for the group, before the rest; its wait after');
    const plain = (m: Member): Member => ({ ...m, startTogether: undefined });
    const expected = new Predictor(loadedWith([plain(a), first, plain(c)], blend)).predict(texts);
    assert.deepEqual(got.predictions, expected.predictions);
    assert.ok(
      seen.every(([done, total], i) => total === 9 && (i === 0 || done >= seen[i - 1][0])),
      JSON.stringify(seen),
    );
    assert.deepEqual(seen.at(-1), [9, 9]);
  });

  it('keeps members on this thread when nothing else would be scored here meanwhile', () => {
    let started = 0;
    const alone: Member = {
      ...tableMember({ good: [0.2, 0.2, 0.6] }, null),
      startTogether() {
        started += 1;
        return null;
      },
    };
    new Predictor(loadedWith([alone], null)).predict(['good']);
    new Predictor(loadedWith([alone, { ...alone }], { method: 'linear', weights: [1, 1] })).predict(['good']);
    assert.equal(started, 0);
  });

  it('answers a training phrase from memory by default, the model with memory off', () => {
    const memory = PhraseMemory.build(['good'], [0], [0], 3);
    const on = new Predictor(loadedWith([first], null, memory)).predict(['Good', 'bad']);
    assert.deepEqual(
      on.predictions.map((p) => [p.source, p.labelName]),
      [
        ['memory', 'neg'],
        ['model', 'neg'],
      ],
    );
    assert.equal(on.fromMemory, 1);
    const off = new Predictor(loadedWith([first], null, memory), { memory: false }).predict(['Good']);
    assert.deepEqual(
      off.predictions.map((p) => [p.source, p.labelName]),
      [['model', 'pos']],
    );
    assert.equal(off.fromMemory, 0);
  });

  it('never runs the members on texts the memory answers (unless every row is asked for); their progress is done from the start', () => {
    const memory = PhraseMemory.build(['good', 'fine'], [0, 2], [0, 1], 3);
    const seen: string[][] = [];
    const spy: Member = {
      ...first,
      predict: (cleaned, opts) => {
        seen.push([...cleaned]);
        return first.predict(cleaned, opts);
      },
    };
    const progress: [number, number][] = [];
    const on = new Predictor(loadedWith([spy], null, memory)).predict(['Good', 'bad', 'fine', 'ugly'], (done, total) =>
      progress.push([done, total]),
    );
    assert.deepEqual(seen, [['bad', 'ugly']]);
    assert.deepEqual(
      on.predictions.map((p) => p.source),
      ['memory', 'model', 'memory', 'model'],
    );
    assert.deepEqual(on.memberOutputs, []);
    assert.deepEqual(progress.at(-1), [4, 4]);
    assert.deepEqual(
      progress,
      [
        [3, 4],
        [4, 4],
      ],
      'the memory rows count as done from the start',
    );
    seen.length = 0;
    const every = new Predictor(loadedWith([spy], null, memory)).predict(['Good', 'bad'], undefined, true);
    assert.deepEqual(seen, [['good', 'bad']]);
    assert.equal(every.memberOutputs[0].length, 6);
    assert.deepEqual(
      every.predictions.map((p) => p.source),
      ['memory', 'model'],
    );
    const none: [number, number][] = [];
    new Predictor(loadedWith([spy], null, memory)).predict(['good'], (d, t) => none.push([d, t]));
    assert.deepEqual(none, [[1, 1]]);
  });

  it('refuses an empty or blank text, naming the line when there is one', () => {
    assert.throws(() => checkText('  \t '), /empty text: give a phrase/);
    assert.throws(
      () => checkText('', { file: 'f.txt', line: 3 }),
      (e: Error) => e instanceof InputError && /empty text \(one text per line\)/.test(e.message),
    );
    assert.doesNotThrow(() => checkText(' ok '));
  });
});
