/** The README's generated tables say what --help and src/presets.ts say (`npm run readme` rewrites them). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generatedTables, tableAfter } from './readme-tables.ts';

describe('README and docs/flags.md generated tables', () => {
  for (const { heading, table, file } of generatedTables()) {
    it(`${heading}: the table is what the code says`, () => {
      const text = readFileSync(file, 'utf8');
      const at = tableAfter(text, heading);
      assert.ok(at !== null, `${file} has no "${heading}" followed by a table; it should hold:\n${table}`);
      assert.equal(text.slice(at[0], at[1]), table, `run npm run readme; the table should be:\n${table}`);
    });
  }
});
