import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as api from '../src/index.ts';
import { readFixture, ROOT } from './helpers.ts';

const exported = api as unknown as Record<string, unknown>;

describe('library API', () => {
  /** Every name src/index.ts exports, values and types, read from its source. */
  const exportedNames = (): Set<string> => {
    const source = readFileSync(join(ROOT, 'src', 'index.ts'), 'utf8');
    const names = new Set<string>();
    for (const [, list] of source.matchAll(/export (?:type )?\{([^}]*)\}/g))
      for (const item of list.split(',')) {
        const name = item
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .at(-1);
        if (name) names.add(name);
      }
    return names;
  };
  /** Every name docs/library.md lists (the README's Library section points there). */
  const documentedNames = (): Set<string> => {
    const doc = readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8');
    return new Set([...doc.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]));
  };

  it('exports exactly the names docs/library.md lists, both ways', () => {
    const exported = exportedNames();
    const documented = documentedNames();
    assert.ok(documented.size >= 25, `${documented.size} names documented`);
    assert.deepEqual(
      [...documented].filter((n) => !exported.has(n)),
      [],
      'documented in docs/library.md, not exported by src/index.ts',
    );
    assert.deepEqual(
      [...exported].filter((n) => !documented.has(n)),
      [],
      'exported by src/index.ts, not in docs/library.md',
    );
  });

  it('every exported value is defined at run time (types aside)', () => {
    const values = Object.keys(api);
    assert.ok(values.length >= 30);
    for (const name of values) assert.notEqual(exported[name], undefined, name);
    for (const name of values) assert.ok(exportedNames().has(name), `${name} is exported by name`);
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
