/** The README's flag tables say what --help says: every flag, its default and its allowed values. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { makeProgram } from '../../src/cli/main.ts';
import { presetTable } from '../../src/presets.ts';
import { ROOT } from '../helpers.ts';

/** The table a command's options make, as the README writes it. */
function flagTable(cmd: Command): string {
  const rows = cmd.options.map((o) => {
    const def = o.defaultValue === undefined ? '' : `\`${String(o.defaultValue)}\``;
    const choices = o.argChoices ? ` (one of: ${o.argChoices.join(', ')})` : '';
    return `| \`${o.flags}\` | ${def} | ${o.description}${choices} |`;
  });
  return ['| flag | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The table under the README heading `### Flags of \`sentiment NAME\``. */
function readmeTable(readme: string, name: string): string | null {
  const heading = `### Flags of \`sentiment ${name}\``;
  const at = readme.indexOf(heading);
  if (at < 0) return null;
  const lines = readme.slice(at + heading.length).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('README flag tables', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const cmd of makeProgram().commands) {
    it(`sentiment ${cmd.name()}: the README table lists every flag with --help's default and choices`, () => {
      const want = flagTable(cmd);
      const got = readmeTable(readme, cmd.name());
      assert.ok(
        got !== null,
        `README has no "### Flags of \`sentiment ${cmd.name()}\`" section; it should hold:\n${want}`,
      );
      assert.equal(got, want, `README's table for sentiment ${cmd.name()} differs from --help; it should be:\n${want}`);
    });
  }
});

describe('README preset table', () => {
  it('lists every preset with what it trains and the settings it changes, as src/presets.ts describes them', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const want = presetTable();
    assert.ok(readme.includes(want), `README should hold the preset table:\n${want}`);
  });
});
