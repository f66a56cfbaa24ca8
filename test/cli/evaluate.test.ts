import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { EpochLog } from '../../src/model/history.ts';
import { sentiment, TEST_TSV, trainHead, tinyModel } from '../helpers.ts';

describe('sentiment evaluate (the built CLI)', () => {
  let model = '';
  let history: { epochs: EpochLog[]; kept_epoch: number };
  let dataFile = '';
  before(async () => {
    model = await tinyModel({ rows: 600, epochs: 2 });
    history = JSON.parse(readFileSync(join(model, 'history.json'), 'utf8')) as {
      epochs: EpochLog[];
      kept_epoch: number;
    };
    dataFile = (JSON.parse(readFileSync(join(model, 'meta.json'), 'utf8')) as { data_file: string }).data_file;
  });

  it("--validation scores exactly the rows training held out: accuracy equals the kept epoch's val_acc", () => {
    const r = sentiment(['evaluate', dataFile, '--validation', '--model', model, '--json', '--no-memory']);
    assert.equal(r.code, 0, r.err);
    const e = JSON.parse(r.out) as {
      rows: number;
      accuracy: number;
      loss: number;
      macro_f1: number;
      from_memory: number;
      per_class: { support: number }[];
      confusion: { matrix: number[][] };
    };
    const last =
      history.epochs.find((x) => x.epoch === history.kept_epoch) ?? assert.fail('history.json marks the kept epoch');
    assert.equal(e.from_memory, 0);
    assert.equal(e.rows, 60);
    assert.equal(e.accuracy, last.val_acc);
    assert.ok(Math.abs(e.loss - (last.val_loss ?? NaN)) < 1e-6);
    assert.equal(
      e.per_class.reduce((a, c) => a + c.support, 0),
      60,
    );
    assert.equal(
      e.confusion.matrix.flat().reduce((a, b) => a + b, 0),
      60,
    );
    assert.ok(e.macro_f1 >= 0 && e.macro_f1 <= 1);
  });

  it('prints accuracy, macro-F1, the majority floor, per-class scores and a named confusion matrix', () => {
    const r = sentiment(['evaluate', trainHead(100), '--model', model]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^accuracy {2}\d\.\d{4} {3}macro-F1 \d\.\d{4} {3}loss \d\.\d{4}$/m);
    assert.match(r.out, /^floor {5}\d\.\d{4} \(always "[a-z ]+", the most common label here\)$/m);
    assert.match(r.out, /^ +precision {2}recall {5}f1 {2}support$/m);
    assert.match(r.out, /^somewhat negative +\d\.\d{3} +\d\.\d{3} +\d\.\d{3} +\d+$/m);
    assert.match(r.out, /^confusion matrix \(rows: true label, columns: predicted\)$/m);
    assert.match(r.out, /^ +negative +s\. negative +neutral +s\. positive +positive$/m);
  });

  it('refuses --validation on another file, and a TSV without labels', () => {
    const other = sentiment(['evaluate', trainHead(50), '--validation', '--model', model]);
    assert.equal(other.code, 2);
    assert.match(other.err, /--validation: this is not the file the model was trained on/);
    const unlabelled = sentiment(['evaluate', TEST_TSV, '--model', model]);
    assert.equal(unlabelled.code, 2);
    assert.match(unlabelled.err, /test\.tsv:1: missing column Sentiment/);
  });

  it('has help for the command and every flag', () => {
    const r = sentiment(['evaluate', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--model', '--validation', '--json', '--batch-size', '--backend'])
      assert.ok(r.out.includes(flag), flag);
  });
});
