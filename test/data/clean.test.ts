import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanText, collapseWhitespace } from '../../src/data/clean.ts';
import { readFixture } from '../helpers.ts';

interface Case {
  input: string;
  output: string;
  phrase_id?: number;
}

describe('cleanText', () => {
  const cases = readFixture<Case[]>('golden/clean_text.json');

  it('matches the seed on every golden case (crafted quirks and 300 sampled phrases)', () => {
    assert.equal(cases.length, 321);
    const wrong = cases.filter((c) => cleanText(c.input) !== c.output);
    assert.deepEqual(wrong, []);
  });

  it("keeps the seed's quirks: 's is replaced before 'scuse, \\s+ is a literal", () => {
    assert.equal(cleanText("you'll 'scuse me"), 'you will iscuse me');
    assert.equal(cleanText('a\\s+b'), 'a b');
    assert.equal(cleanText("won't"), 'wo not');
  });

  it("collapses whitespace as Python's str.split() does", () => {
    assert.equal(collapseWhitespace('  a\t\nb\u00a0c\u001fd\u0085e  '), 'a b c d e');
    // U+FEFF is whitespace to JavaScript's \s but not to Python.
    assert.equal(collapseWhitespace('a\ufeffb'), 'a\ufeffb');
  });
});
