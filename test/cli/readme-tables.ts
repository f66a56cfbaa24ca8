/**
 * The generated tables: each command's flags (from the commander program, as --help has them; train's
 * in the README, the others in docs/flags.md) and the presets (from src/presets.ts, in the README).
 * readme.test.ts checks them; `npm run readme` rewrites them in place.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { makeProgram } from '../../src/cli/main.ts';
import { presetTable } from '../../src/presets.ts';
import { ROOT } from '../helpers.ts';

export const README = join(ROOT, 'README.md');
export const FLAGS_DOC = join(ROOT, 'docs', 'flags.md');

/** The table a command's options make, as the README writes it. */
export function flagTable(cmd: Command): string {
  const rows = cmd.options.map((o) => {
    const def = o.defaultValue === undefined ? '' : `\`${String(o.defaultValue)}\``;
    const choices = o.argChoices ? ` (one of: ${o.argChoices.join(', ')})` : '';
    return `| \`${o.flags}\` | ${def} | ${o.description}${choices} |`;
  });
  return ['| flag | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Where the table right after `heading` (and a blank line) sits in `readme`: [start, end) offsets, or null. */
export function tableAfter(readme: string, heading: string): [number, number] | null {
  const at = readme.indexOf(heading);
  if (at < 0) return null;
  const start = at + heading.length + 2;
  // Only the table the heading introduces, never one further down.
  if (readme.slice(at + heading.length, start) !== '\n\n' || readme[start] !== '|') return null;
  let end = start;
  while (end < readme.length && readme[end] === '|') end = readme.indexOf('\n', end) + 1 || readme.length;
  return [start, end - 1];
}

export const flagsHeading = (name: string) => `### Flags of \`sentiment ${name}\``;
export const PRESETS_HEADING = '**Presets** (`--preset`):';

/** Every generated table with the heading it follows and the file it is in. */
export function generatedTables(): { heading: string; table: string; file: string }[] {
  return [
    { heading: PRESETS_HEADING, table: presetTable(), file: README },
    ...makeProgram().commands.map((cmd) => ({
      heading: flagsHeading(cmd.name()),
      table: flagTable(cmd),
      file: cmd.name() === 'train' ? README : FLAGS_DOC,
    })),
  ];
}

if (process.argv.includes('--write')) {
  const files = new Map<string, string>();
  for (const { heading, table, file } of generatedTables()) {
    const text = files.get(file) ?? readFileSync(file, 'utf8');
    const at = tableAfter(text, heading);
    if (!at) throw new Error(`${file} has no "${heading}" followed by a blank line and a table`);
    files.set(file, text.slice(0, at[0]) + table + text.slice(at[1]));
  }
  for (const [file, text] of files) writeFileSync(file, text);
}
