import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as api from '../src/index.ts';
import { readFixture, ROOT } from './helpers.ts';

const exported = api as unknown as Record<string, unknown>;

describe('library API', () => {
  it("exports every name the README's Library section documents", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Library'),
      readme.indexOf('\n## ', readme.indexOf('## Library') + 1),
    );
    const names = [...section.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]);
    assert.ok(names.length >= 25, `${names.length} names documented`);
    for (const name of names)
      assert.ok(
        name in exported && exported[name] !== undefined,
        `README documents ${name}; src/index.ts does not export it`,
      );
  });

  it('runs the seed preprocessing end to end: the golden padded rows from the first phrases', () => {
    const golden = readFixture<{ first_rows: { cleaned: string; padded: number[] }[] }>('golden/sequences.json');
    const tokenizer = api.Tokenizer.fromKerasJson(
      readFileSync(join(ROOT, 'test', 'fixtures', 'golden', 'tokenizer_keras.json'), 'utf8'),
    );
    const rows = golden.first_rows.slice(0, 20);
    const cleaned = rows.map((r) => api.cleanText(r.cleaned));
    assert.deepEqual(
      cleaned,
      rows.map((r) => r.cleaned),
      'cleaning is idempotent on cleaned text',
    );
    const padded = api.padSequences(
      cleaned.map((c) => tokenizer.textToSequence(c)),
      { maxLen: 53 },
    );
    assert.deepEqual(
      Array.from(padded),
      rows.flatMap((r) => r.padded),
    );
  });

  it('its errors are typed and say what is wrong in settings, not flags', () => {
    const err = new api.SettingError('learningRate', 'must be a positive number', { given: -1 });
    assert.ok(err instanceof Error && err instanceof api.SettingError);
    assert.equal(err.setting, 'learningRate');
    assert.doesNotMatch(err.message, /--/);
    const diverged = new api.DivergedError(3, 'the loss became NaN at batch 2', 2);
    assert.equal(diverged.completedEpochs, 2);
    assert.throws(() => api.settingsFromJson({ epochs: 'x' }, 'meta.json'), api.InputError);
  });
});
