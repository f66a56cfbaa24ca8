/** Kaggle's submission format: `PhraseId,Sentiment`, one row per test phrase, in input order. */
import type { PhraseRow } from '../data/tsv.ts';

export const SUBMISSION_HEADER = 'PhraseId,Sentiment';

/** Rows read with `ids: true`, so every PhraseId is there. */
export function submissionCsv(rows: ReadonlyArray<Pick<PhraseRow, 'phraseId'>>, labels: ArrayLike<number>): string {
  const out = [SUBMISSION_HEADER];
  rows.forEach((r, i) => out.push(`${r.phraseId},${labels[i]}`));
  return `${out.join('\n')}\n`;
}
