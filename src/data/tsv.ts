/**
 * Reads Kaggle-style phrase TSVs (PhraseId, SentenceId, Phrase[, Sentiment]).
 * Quoting is off: `"` and `'` are part of the phrases. Problems become InputErrors with file and line.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.ts';
import { asInputError, checkInputFile } from '../fs/read.ts';
import { NUM_CLASSES } from './labels.ts';

/** One row; `L` is `number` for a labelled read, `number | null` otherwise. */
export interface PhraseRow<L extends number | null = number | null> {
  phraseId: number | null;
  sentenceId: number | null;
  phrase: string;
  /** 0..4, or null for unlabelled files. */
  sentiment: L;
  /** 1-based line number in the file. */
  line: number;
}

export interface PhraseTable<L extends number | null = number | null> {
  path: string;
  sha256: string;
  columns: string[];
  rows: PhraseRow<L>[];
}

export interface ReadTsvOptions {
  /** Require a Sentiment column with labels 0..4. */
  labelled: boolean;
  /** Require a PhraseId column of integers (a Kaggle submission is keyed by it). */
  ids?: boolean;
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

export async function readPhraseTsv(path: string, options: ReadTsvOptions & { labelled: true }): Promise<PhraseTable<number>>;
export async function readPhraseTsv(path: string, options: ReadTsvOptions): Promise<PhraseTable>;
export async function readPhraseTsv(path: string, options: ReadTsvOptions): Promise<PhraseTable> {
  const bytes = await readInput(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = decodeUtf8(bytes, path);
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new InputError('the file is empty', { file: path });

  let records: ParsedRecord[];
  try {
    records = parse(text, {
      delimiter: '\t',
      quote: false,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      info: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    throw new InputError(`cannot parse as TSV: ${e.message}`, { file: path, line: e.lines });
  }

  const header = records[0].record.map((h) => h.trim());
  if (header.length === 1 && header[0].includes(',')) {
    throw new InputError('the header has no tab: this looks like a comma-separated file, expected tab-separated', { file: path, line: 1 });
  }
  const col = (name: string) => header.indexOf(name);
  const required = [...(options.ids ? ['PhraseId'] : []), 'Phrase', ...(options.labelled ? ['Sentiment'] : [])];
  const missing = required.filter((c) => col(c) < 0);
  if (missing.length > 0) {
    throw new InputError(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header has: ${header.join(', ')})`, { file: path, line: 1 });
  }
  const [iPhrase, iSentiment, iPhraseId, iSentenceId] = [col('Phrase'), col('Sentiment'), col('PhraseId'), col('SentenceId')];

  const rows: PhraseRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    const line = info.lines;
    if (record.length !== header.length) {
      throw new InputError(`expected ${header.length} tab-separated fields, found ${record.length}`, { file: path, line });
    }
    let sentiment: number | null = null;
    if (iSentiment >= 0) {
      const raw = record[iSentiment].trim();
      if (!/^\d+$/.test(raw) || Number(raw) >= NUM_CLASSES) {
        if (options.labelled) throw new InputError(`Sentiment must be an integer from 0 to ${NUM_CLASSES - 1}, found ${JSON.stringify(raw)}`, { file: path, line });
      } else sentiment = Number(raw);
    }
    const phraseId = iPhraseId >= 0 ? intOrNull(record[iPhraseId]) : null;
    if (options.ids && phraseId === null) throw new InputError(`PhraseId must be an integer, found ${JSON.stringify(record[iPhraseId])}`, { file: path, line });
    rows.push({
      phraseId,
      sentenceId: iSentenceId >= 0 ? intOrNull(record[iSentenceId]) : null,
      phrase: record[iPhrase],
      sentiment,
      line,
    });
  }
  if (rows.length === 0) throw new InputError('the file has a header but no rows', { file: path });
  return { path, sha256, columns: header, rows };
}

async function readInput(path: string): Promise<Buffer> {
  await checkInputFile(path, 'TSV file');
  return readFile(path).catch((err: unknown) => {
    throw asInputError(err, path);
  });
}

function decodeUtf8(bytes: Buffer, path: string): string {
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    return strict.decode(bytes);
  } catch {
    // Decode line by line to name the first bad one.
    let line = 1;
    for (let start = 0; start < bytes.length; line++) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      try {
        strict.decode(bytes.subarray(start, end));
      } catch {
        break;
      }
      start = end + 1;
    }
    throw new InputError('invalid UTF-8 (the file must be UTF-8 text)', { file: path, line });
  }
}

function intOrNull(s: string): number | null {
  return /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : null;
}
