import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { sentiment, tempDir, tinyModel, trainHead } from '../helpers.ts';

describe('sentiment report (the built CLI)', () => {
  let model = '';
  let history: { epochs: { epoch: number; val_acc: number }[]; kept_epoch: number };
  before(async () => {
    model = await tinyModel({ rows: 500, epochs: 2 });
    history = JSON.parse(readFileSync(join(model, 'history.json'), 'utf8')) as typeof history;
  });

  it("writes the page for the model's validation rows and says what it scored: accuracy = the kept epoch's val_acc", () => {
    const out = join(tempDir(), 'page.html');
    const r = sentiment(['report', '--model', model, '--out', out, '--no-memory']);
    assert.equal(r.code, 0, r.err);
    const kept = history.epochs.find((e) => e.epoch === history.kept_epoch)?.val_acc ?? assert.fail('kept epoch');
    const m = /^wrote (.+): 50 rows of the validation rows of .+, accuracy ([\d.]+), in [\d.]+s$/m.exec(r.out);
    assert.ok(m, r.out);
    assert.equal(m[1], out);
    assert.equal(Number(m[2]), Number(kept.toFixed(4)));
    assert.match(readFileSync(out, 'utf8'), /^<!doctype html>/);
  });

  it('scores a labelled file given, and --mistakes 0 lists none', () => {
    const out = join(tempDir(), 'r.html');
    const r = sentiment(['report', trainHead(80), '--model', model, '--out', out, '--mistakes', '0']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /: 80 rows of /);
    assert.match(readFileSync(out, 'utf8'), /wrong answers; none listed|No wrong answers/);
  });

  it('refuses what cannot work without writing anything: flags (exit 1), a missing model or folder (exit 2)', () => {
    const dir = tempDir();
    const out = join(dir, 'r.html');
    const bad = sentiment(['report', '--model', model, '--out', out, '--mistakes', '-3']);
    assert.equal(bad.code, 1, bad.err);
    assert.match(bad.err, /--mistakes/);
    const missing = sentiment(['report', '--model', join(dir, 'nothing'), '--out', out]);
    assert.equal(missing.code, 2, missing.err);
    assert.match(missing.err, /no model in/);
    const folder = sentiment(['report', '--model', model, '--out', join(dir, 'no', 'such', 'r.html')]);
    assert.equal(folder.code, 2, folder.err);
    assert.match(folder.err, /--out/);
    assert.equal(existsSync(out), false);
  });

  it('keeps an existing page when scoring fails (an unlabelled file), and names the file', () => {
    const dir = tempDir();
    const out = join(dir, 'r.html');
    writeFileSync(out, 'before');
    const unlabelled = join(dir, 'texts.tsv');
    writeFileSync(unlabelled, 'PhraseId\tSentenceId\tPhrase\n1\t1\tgood fun\n');
    const r = sentiment(['report', unlabelled, '--model', model, '--out', out]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /texts\.tsv/);
    assert.equal(readFileSync(out, 'utf8'), 'before');
    rmSync(dir, { recursive: true, force: true });
  });
});
