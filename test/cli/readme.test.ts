/** The README's generated tables say what --help and src/presets.ts say (`npm run readme` rewrites them). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generatedTables, README, tableAfter } from './readme-tables.ts';

describe('README generated tables', () => {
  const readme = readFileSync(README, 'utf8');
  for (const { heading, table } of generatedTables()) {
    it(`${heading}: the table is what the code says`, () => {
      const at = tableAfter(readme, heading);
      assert.ok(at !== null, `README has no "${heading}" followed by a table; it should hold:\n${table}`);
      assert.equal(readme.slice(at[0], at[1]), table, `run npm run readme; the table should be:\n${table}`);
    });
  }
});
