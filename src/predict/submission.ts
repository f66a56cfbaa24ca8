/**
 * A submission: every input row's id and predicted label, in input order. Kaggle's files give
 * `PhraseId,Sentiment`; other files `id,label`. Ids stay as the input wrote them.
 */
import { InputError } from '../errors.ts';
import type { TableRow, TextTable } from '../data/table.ts';

export const KAGGLE_SUBMISSION_HEADER = ['PhraseId', 'Sentiment'] as const;

/** Kaggle's test file: its ids are PhraseIds and its texts Phrases. */
export function isKaggleInput(table: TextTable): boolean {
  return table.used.id === 'PhraseId' && table.used.text === 'Phrase';
}

/** A submission keys rows by id: each must be there, and once. */
export function checkIds(rows: ReadonlyArray<TableRow>, path: string): void {
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.id === null) throw new InputError('missing id', { file: path, line: r.line });
    const before = seen.get(r.id);
    if (before !== undefined)
      throw new InputError(`id ${r.id} is also on line ${before}: a submission needs each id once`, {
        file: path,
        line: r.line,
      });
    seen.set(r.id, r.line);
  }
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

export function submissionCsv(
  header: readonly [string, string],
  ids: ReadonlyArray<string>,
  labels: ReadonlyArray<string>,
): string {
  const out = [header.map(csvField).join(',')];
  ids.forEach((id, i) => out.push(`${csvField(id)},${csvField(labels[i])}`));
  return `${out.join('\n')}\n`;
}
