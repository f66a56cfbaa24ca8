import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { metaFromJson } from '../../src/model/meta.ts';

const v1 = JSON.parse(readFileSync(new URL('../fixtures/models/v1-max/meta.json', import.meta.url), 'utf8'));

/** The words of metaFromJson's refusal, or null when it reads the members (a later field may still fail). */
function memberProblem(json: unknown): string | null {
  try {
    metaFromJson(json, 'meta.json');
    return null;
  } catch (err) {
    const message = (err as Error).message;
    return /members|max_len|batching|kind|path/.test(message) ? message : null;
  }
}

describe("meta.json's member entries, each checked by its kind", () => {
  const withMembers = (members: unknown[]) => ({ ...v1, format_version: 3, members });

  it('reads a version-1 file as one LSTM, and refuses its bad batching', () => {
    assert.equal(memberProblem(v1), null);
    assert.match(memberProblem({ ...v1, batching: 'bogus' }) ?? '', /max_len or batching is missing or invalid/);
  });

  it('refuses a kind it does not know, naming it and the entry', () => {
    assert.match(memberProblem(withMembers([{ kind: 'gru', path: '.' }])) ?? '', /members\[0\]: unknown kind "gru"/);
  });

  it('the sequence kinds need max_len and batching; the n-gram kind needs neither', () => {
    const lstm = { kind: 'lstm', path: '.', max_len: 10, batching: 'mix' };
    assert.equal(memberProblem(withMembers([lstm, { kind: 'ngram', path: 'ngram' }])), null);
    assert.match(
      memberProblem(withMembers([lstm, { kind: 'bilstm', path: 'bilstm', max_len: 0, batching: 'mix' }])) ?? '',
      /members\[1\]: max_len or batching is missing or invalid/,
    );
    assert.match(
      memberProblem(withMembers([{ ...lstm, batching: 'sorted' }])) ?? '',
      /members\[0\]: max_len or batching/,
    );
  });

  it('a path outside the model directory is refused whatever the kind', () => {
    for (const kind of ['lstm', 'ngram', 'bilstm'])
      assert.match(
        memberProblem(withMembers([{ kind, path: '../elsewhere', max_len: 10, batching: 'mix' }])) ?? '',
        /members\[0\]: path must be a directory inside the model directory/,
      );
  });
});

describe("meta.json's tokenizer facts", () => {
  const sha256 = 'a'.repeat(64);
  const members = [{ kind: 'lstm', path: '.', max_len: 10, batching: 'mix' }];
  const withFacts = (facts: unknown) => ({ ...v1, format_version: 3, members, tokenizer_facts: facts });

  it('reads them, each with its sha256, largest index and searchable', () => {
    const facts = { 'tokenizer.json': { sha256, largest: 8192, searchable: true } };
    assert.deepEqual(metaFromJson(withFacts(facts), 'meta.json').tokenizer_facts, facts);
    assert.equal('tokenizer_facts' in metaFromJson(v1, 'meta.json'), false);
  });

  it('refuses one of the wrong shape or outside the model directory, naming meta.json', () => {
    const cases: [unknown, RegExp][] = [
      [[1], /tokenizer_facts must be an object/],
      [{ 'tokenizer.json': { sha256, largest: 0, searchable: true } }, /"tokenizer\.json" needs a sha256, its largest/],
      [{ 'tokenizer.json': { sha256: 'x', largest: 5, searchable: true } }, /needs a sha256/],
      [{ 'tokenizer.json': { sha256, largest: 5 } }, /needs a sha256/],
      [
        { '../tokenizer.json': { sha256, largest: 5, searchable: true } },
        /"\.\.\/tokenizer\.json" is outside the model/,
      ],
    ];
    for (const [facts, expected] of cases)
      assert.throws(
        () => metaFromJson(withFacts(facts), 'meta.json'),
        (err: Error) => expected.test(err.message) && err.message.includes('tokenizer_facts'),
      );
  });
});
