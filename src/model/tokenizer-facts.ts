/**
 * meta.json's `tokenizer_facts`: what a pass over each tokenizer's word_index learned when the model was
 * saved (its largest index, whether its words can be found in its text), with that file's sha256. Both
 * loaders, the CLI's (directory.ts) and the browser's (web/load-model.ts), check the field the same way
 * and believe a record only for a file whose bytes they checked to have that sha256; any other file
 * gets the pass, as before the field existed. No file access here: the browser bundle imports it.
 */
import type { WordIndexFacts } from '../data/tokenizer.ts';

/** What tokenizer.ts' first pass learns of a word_index, and which file it was learned of. */
export interface TokenizerFacts extends WordIndexFacts {
  sha256: string;
}

/** A sha256 as meta.json writes it: 64 lower-case hex digits. */
export const isSha256 = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

/**
 * What is wrong with a meta.json `tokenizer_facts` field, or null when every record is well formed.
 * `outside(path)`: whether a path leads out of the model directory (the CLI's rule for every path).
 */
export function tokenizerFactsProblem(facts: unknown, outside: (path: string) => boolean): string | null {
  if (facts === null || typeof facts !== 'object' || Array.isArray(facts)) return 'tokenizer_facts must be an object';
  for (const [path, f] of Object.entries(facts as Record<string, unknown>)) {
    const o = (f ?? {}) as Record<string, unknown>;
    if (outside(path)) return `tokenizer_facts: ${JSON.stringify(path)} is outside the model directory`;
    if (
      !isSha256(o.sha256) ||
      !Number.isSafeInteger(o.largest) ||
      (o.largest as number) < 1 ||
      typeof o.searchable !== 'boolean'
    )
      return `tokenizer_facts: ${JSON.stringify(path)} needs a sha256, its largest index (from 1) and searchable`;
  }
  return null;
}

/**
 * The facts of each tokenizer whose file was checked to have the record's sha256 (`checked`: path →
 * the sha256 its bytes were checked against), by path.
 */
export function factsOfCheckedFiles(
  facts: Readonly<Record<string, TokenizerFacts>> | undefined,
  checked: Readonly<Record<string, { sha256: string }>> | null | undefined,
): Map<string, WordIndexFacts> {
  const known = new Map<string, WordIndexFacts>();
  for (const [path, { sha256, largest, searchable }] of Object.entries(facts ?? {}))
    if (checked?.[path]?.sha256 === sha256) known.set(path, { largest, searchable });
  return known;
}
