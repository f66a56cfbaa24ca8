import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPrefixForest } from '../../../src/model/lstm/prefix-forest.ts';

/** The tokens from the first level down to `node`, read back through the parents. */
function pathOf(f: ReturnType<typeof buildPrefixForest>, node: number): number[] {
  const out: number[] = [];
  for (let n = node; n >= 0; n = f.parent[n]) out.unshift(f.tokens[n]);
  return out;
}

describe('prefix forest', () => {
  it('each sequence ends at the node whose path spells it; shared starts are one node', () => {
    const seqs = [[5, 6, 7], [5, 6], [5, 6, 8], [9], [5, 6, 7], [0, 0, 5], [9, 5]];
    const f = buildPrefixForest(seqs);
    seqs.forEach((s, i) => assert.deepEqual(pathOf(f, f.ends[i]), s));
    // Distinct prefixes: 5, 56, 567, 568, 9, 0, 00, 005, 95.
    assert.equal(f.nodes, 9);
    assert.equal(f.depth, 3);
    assert.equal(f.ends[0], f.ends[4]);
  });

  it('numbers nodes level by level: a parent always sits on the level before its child', () => {
    const seqs = Array.from({ length: 200 }, (_, i) =>
      Array.from({ length: 1 + (i % 9) }, (_, t) => (i * 7 + t * 3) % 5),
    );
    const f = buildPrefixForest(seqs);
    assert.equal(f.levels[0], 0);
    assert.equal(f.levels[f.depth], f.nodes);
    for (let t = 0; t < f.depth; t++) {
      for (let n = f.levels[t]; n < f.levels[t + 1]; n++) {
        if (t === 0) assert.equal(f.parent[n], -1);
        else assert.ok(f.parent[n] >= f.levels[t - 1] && f.parent[n] < f.levels[t], `node ${n}`);
      }
    }
    seqs.forEach((s, i) => assert.deepEqual(pathOf(f, f.ends[i]), s));
  });

  it('finds every shared start among thousands of rows, whatever the tokens (one node per distinct prefix)', () => {
    // Tokens from a small alphabet (many shared starts) and from a wide one (many distinct children of
    // one parent), numbers a hash table must tell apart: 0, large, and equal tokens under other parents.
    let state = 7;
    const rand = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const seqs = Array.from({ length: 5000 }, (_, i) =>
      Array.from({ length: 1 + rand(12) }, () => (i % 2 ? rand(4) : rand(2_000_000_000))),
    );
    const f = buildPrefixForest(seqs);
    const prefixes = new Set(seqs.flatMap((s) => s.map((_, t) => s.slice(0, t + 1).join(','))));
    assert.equal(f.nodes, prefixes.size);
    seqs.forEach((s, i) => assert.deepEqual(pathOf(f, f.ends[i]), s));
  });

  it('refuses an empty sequence (the scorer feeds one padding token instead)', () => {
    assert.throws(() => buildPrefixForest([[1], []]), /sequence 1 is empty/);
  });
});
