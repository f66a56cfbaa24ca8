import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableRow, TextTable } from '../../src/data/table.ts';
import { checkIds, isKaggleInput, KAGGLE_SUBMISSION_HEADER, submissionCsv } from '../../src/predict/submission.ts';

const row = (id: string | null, line: number): TableRow => ({ text: 'x', label: null, group: null, id, line });
const table = (used: TextTable['used']): TextTable => ({
  path: 't',
  sha256: '',
  format: 'tsv',
  columns: [],
  used,
  rows: [],
});

describe('submissions', () => {
  it("writes the header, then each id with its own label, in the input's order, quoting as CSV does", () => {
    const csv = submissionCsv(KAGGLE_SUBMISSION_HEADER, ['156061', '9007199254740993', '007'], ['2', '4', '0']);
    assert.equal(csv, 'PhraseId,Sentiment\n156061,2\n9007199254740993,4\n007,0\n');
    assert.equal(
      submissionCsv(['id', 'label'], ['a,b', 'say "hi"'], ['pos', 'neg, mostly']),
      'id,label\n"a,b",pos\n"say ""hi""","neg, mostly"\n',
    );
    assert.equal(submissionCsv(['id', 'label'], [], []), 'id,label\n');
  });

  it('needs every id, each once, naming both lines of a duplicate', () => {
    assert.doesNotThrow(() => checkIds([row('1', 2), row('2', 3), row('10', 4)], 'in.tsv'));
    assert.throws(
      () => checkIds([row('1', 2), row('2', 3), row('1', 4)], 'in.tsv'),
      /^InputError: in\.tsv:4: id 1 is also on line 2: a submission needs each id once$/,
    );
    assert.throws(() => checkIds([row('1', 2), row(null, 3)], 'in.tsv'), /in\.tsv:3: missing id/);
    // Ids are text: 1 and 01 are two rows.
    assert.doesNotThrow(() => checkIds([row('1', 2), row('01', 3)], 'in.tsv'));
  });

  it("takes Kaggle's format only for Kaggle's columns", () => {
    assert.equal(isKaggleInput(table({ text: 'Phrase', label: null, group: 'SentenceId', id: 'PhraseId' })), true);
    assert.equal(isKaggleInput(table({ text: 'review', label: null, group: null, id: 'PhraseId' })), false);
    assert.equal(isKaggleInput(table({ text: 'Phrase', label: null, group: null, id: 'id' })), false);
  });
});
