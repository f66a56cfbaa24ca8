/**
 * Labelled (or unlabelled) texts from a file: TSV with quoting off (the Kaggle files: their phrases
 * hold bare `"`), CSV with RFC 4180 quoting, or JSON Lines; gzip-compressed too. The format comes from
 * the extension unless given. Columns are found by name: the Kaggle names, else the first of the usual
 * ones. Every problem is an InputError naming the file and line.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.ts';
import { checkSize, gunzipWithin, LIMITS } from '../fs/limits.ts';
import { asInputError, checkInputFile, readBinaryFile } from '../fs/read.ts';

export const TABLE_FORMATS = ['tsv', 'csv', 'jsonl'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** The column a table's texts, labels, groups and ids come from, when not named. */
export const COLUMN_DEFAULTS = {
  text: ['Phrase', 'text', 'review', 'sentence', 'phrase'],
  label: ['Sentiment', 'label', 'sentiment', 'rating', 'stars'],
  group: ['SentenceId'],
  id: ['PhraseId', 'id'],
} as const;

export interface ColumnNames {
  text?: string;
  label?: string;
  group?: string;
  id?: string;
}

export interface TableRow {
  text: string;
  /** The label as written (a number or a word), or null where the file has none. */
  label: string | null;
  group: string | null;
  /** The row's id as written (kept as text: ids beyond 2^53 must not change). */
  id: string | null;
  /** 1-based line where the row starts. */
  line: number;
}

export interface TextTable {
  path: string;
  /** Of the file's bytes as stored (compressed or not): what identifies the training data. */
  sha256: string;
  format: TableFormat;
  /** Every column the file has, and the ones used. */
  columns: string[];
  used: { text: string; label: string | null; group: string | null; id: string | null };
  rows: TableRow[];
}

export interface ReadTableOptions {
  format?: TableFormat;
  columns?: ColumnNames;
  /** Labels are required (train, evaluate). */
  labelled: boolean;
  /** An id column is required (a submission is keyed by it). */
  ids?: boolean;
}

/** The format a path's extension says (`.gz` looked through), or null. */
export function formatOf(path: string): TableFormat | null {
  const ext = extname(path.replace(/\.gz$/i, '')).toLowerCase();
  if (ext === '.tsv' || ext === '.tab' || ext === '.txt') return 'tsv';
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return null;
}

export async function readTable(path: string, opts: ReadTableOptions): Promise<TextTable> {
  await checkInputFile(path, 'data file');
  await checkSize(path, LIMITS.data, 'data file');
  const stored = await readBinaryFile(path).catch((err: unknown) => {
    throw asInputError(err, path);
  });
  const sha256 = createHash('sha256').update(stored).digest('hex');
  const bytes = isGzip(stored) ? await gunzipWithin(stored, LIMITS.data, path) : stored;
  const text = decodeUtf8(bytes, path).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new InputError('the file is empty', { file: path });
  checkLineEndings(text, path);
  const format = opts.format ?? formatOf(path) ?? 'tsv';
  const records = format === 'jsonl' ? jsonLines(text, path) : delimited(text, format, path);
  return { path, sha256, format, ...toRows(records, opts, path, format) };
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Strict UTF-8; the first bad line is named. */
export function decodeUtf8(bytes: Buffer, path: string): string {
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    return strict.decode(bytes);
  } catch {
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

/** One kind of line ending per file: a CRLF header over LF rows would read as one huge row. */
export function checkLineEndings(text: string, path: string): void {
  const first = text.indexOf('\n');
  if (first < 0) return;
  const crlf = first > 0 && text[first - 1] === '\r';
  let line = 2;
  for (let i = text.indexOf('\n', first + 1); i >= 0; i = text.indexOf('\n', i + 1), line++) {
    if ((i > 0 && text[i - 1] === '\r') !== crlf) {
      throw new InputError(
        `mixed line endings: line 1 ends with ${crlf ? 'CRLF (Windows)' : 'LF'}, this line with ${crlf ? 'LF' : 'CRLF (Windows)'}; save the file with one kind`,
        {
          file: path,
          line,
        },
      );
    }
  }
}

/** A record's fields (or a JSON object's values by key) and the line it starts on. */
export interface RawRecord {
  fields: string[] | Record<string, unknown>;
  line: number;
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** TSV (quoting off) or CSV (RFC 4180). Blank lines at the end are dropped; a blank line before is an error. */
function delimited(text: string, format: 'tsv' | 'csv', path: string): RawRecord[] {
  const records = (format === 'tsv' ? tsvRecords(text) : null) ?? parsedRecords(text, format, path);
  while (records.length > 1 && isBlank(records[records.length - 1])) records.pop();
  const blank = records.find(isBlank);
  if (blank) throw new InputError('a blank line among the rows (remove it)', { file: path, line: blank.line });
  return records;
}

/**
 * TSV with quoting off, where every line ends alike (LF, or CRLF) and holds no other line break: each
 * line a record, its fields split at tabs — csv-parse's records and lines exactly
 * (test/data/table.test.ts), in a seventh of the time (Kaggle's test.tsv: ~500 → ~70 ms). Null for any
 * other text (a lone CR: csv-parse's reading of it is kept).
 */
export function tsvRecords(text: string): RawRecord[] | null {
  if (text === '') return [];
  const crlf = text.indexOf('\r\n');
  const eol = crlf >= 0 && crlf === text.indexOf('\n') - 1 ? '\r\n' : '\n';
  const lines = text.split(eol);
  if (lines.some((l) => l.includes('\r') || l.includes('\n'))) return null;
  // The last line's ending starts no record of its own.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l, i) => ({ fields: l.split('\t'), line: i + 1 }));
}

function parsedRecords(text: string, format: 'tsv' | 'csv', path: string): RawRecord[] {
  let parsed: ParsedRecord[];
  try {
    parsed = parse(text, {
      delimiter: format === 'tsv' ? '\t' : ',',
      quote: format === 'csv' ? '"' : false,
      relax_column_count: true,
      skip_empty_lines: false,
      info: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    const e = err as { code?: string; message: string; lines?: number };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED')
      throw new InputError('a quote opened here is never closed', { file: path, line: unclosedQuoteLine(text) });
    throw new InputError(`cannot parse as ${format.toUpperCase()}: ${e.message}`, { file: path, line: e.lines });
  }
  const records: RawRecord[] = [];
  let previousEnd = 0;
  for (const p of parsed) {
    records.push({ fields: p.record, line: previousEnd + 1 });
    previousEnd = p.info.lines;
  }
  return records;
}

const isBlank = (r: RawRecord) => Array.isArray(r.fields) && r.fields.length === 1 && r.fields[0].trim() === '';

/** Where the quote that is never closed opened: a quote at a field's start opens one, "" inside escapes. */
function unclosedQuoteLine(text: string): number {
  let line = 1;
  let openedOn = 0;
  let inQuote = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === '"' && text[i + 1] === '"') i++;
      else if (c === '"') inQuote = false;
      else if (c === '\n') line++;
      continue;
    }
    if (c === '"' && fieldStart) {
      inQuote = true;
      openedOn = line;
    }
    if (c === '\n') line++;
    fieldStart = c === ',' || c === '\n';
  }
  return openedOn || line;
}

/** A JSON number as the line wrote it: `12345678901234567891`, `1.50` and `1e2` stay themselves. */
class NumberText {
  constructor(readonly text: string) {}
}

const NUMBER_MARK = '\u0000number:';
/** The mark as JSON text: a control character must be escaped inside a JSON string. */
const MARK_IN_JSON = '\\u0000number:';
const NUMBER_LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The line with every number outside a string turned into a marked string of its text, so JSON.parse
 * keeps how it was written (it would turn ids beyond 2^53 into other numbers, and 1.50 into 1.5).
 */
function markNumbers(line: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_LITERAL.lastIndex = i;
      const m = NUMBER_LITERAL.exec(line);
      if (!m) continue;
      out += `${line.slice(from, i)}"${MARK_IN_JSON}${m[0]}"`;
      i += m[0].length - 1;
      from = i + 1;
    }
  }
  return from === 0 ? line : out + line.slice(from);
}

function jsonError(line: string): string {
  try {
    JSON.parse(line);
    return 'unreadable';
  } catch (err) {
    return (err as Error).message;
  }
}

/** A parsed value as JSON, its marked numbers written back as numbers. */
function shown(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    typeof x === 'string' && x.startsWith(NUMBER_MARK) ? Number(x.slice(NUMBER_MARK.length)) : x,
  );
}

function jsonLines(text: string, path: string): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '')
      throw new InputError('a blank line among the rows (remove it)', { file: path, line: i + 1 });
    let value: unknown;
    try {
      value = JSON.parse(markNumbers(line));
    } catch {
      // JSON.parse's own words, about the line as written.
      throw new InputError(`is not valid JSON (${jsonError(line)})`, { file: path, line: i + 1 });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new InputError(
        `expected a JSON object per line, found ${Array.isArray(value) ? 'an array' : typeof value === 'string' && value.startsWith(NUMBER_MARK) ? value.slice(NUMBER_MARK.length) : JSON.stringify(value)}`,
        { file: path, line: i + 1 },
      );
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      fields[k] = typeof v === 'string' && v.startsWith(NUMBER_MARK) ? new NumberText(v.slice(NUMBER_MARK.length)) : v;
    records.push({ fields, line: i + 1 });
  });
  return records;
}

function toRows(
  records: RawRecord[],
  opts: ReadTableOptions,
  path: string,
  format: TableFormat,
): Pick<TextTable, 'columns' | 'used' | 'rows'> {
  const jsonl = format === 'jsonl';
  const header = jsonl
    ? [...new Set(records.flatMap((r) => Object.keys(r.fields)))]
    : (records[0].fields as string[]).map((h) => h.trim());
  if (!jsonl && header.length === 1 && header[0].includes(format === 'tsv' ? ',' : '\t')) {
    throw new InputError(
      format === 'tsv'
        ? 'the header has no tab: this looks like a comma-separated file, expected tab-separated (give a .csv name or the csv format)'
        : 'the header has no comma: this looks like a tab-separated file (give a .tsv name or the tsv format)',
      { file: path, line: 1 },
    );
  }
  const find = (
    given: string | undefined,
    defaults: readonly string[],
    what: string,
    required: boolean,
  ): string | null => {
    if (given !== undefined) {
      if (!header.includes(given))
        throw new InputError(
          `no ${what} column "${given}" (the ${jsonl ? 'fields are' : 'header has'}: ${header.join(', ')})`,
          { file: path, line: 1 },
        );
      return given;
    }
    const exact = defaults.find((d) => header.includes(d));
    const found = exact ?? header.find((h) => defaults.some((d) => d.toLowerCase() === h.toLowerCase())) ?? null;
    if (found === null && required) {
      const kaggle = defaults[0];
      throw new InputError(
        `missing column ${kaggle} (no ${what} column among ${defaults.join(', ')}; the ${jsonl ? 'fields are' : 'header has'}: ${header.join(', ')})`,
        { file: path, line: 1 },
      );
    }
    return found;
  };
  const c = opts.columns ?? {};
  const textCol = find(c.text, COLUMN_DEFAULTS.text, 'text', true) as string;
  const labelCol = find(c.label, COLUMN_DEFAULTS.label, 'label', opts.labelled);
  const groupCol = find(c.group, COLUMN_DEFAULTS.group, 'group', false);
  const idCol = find(c.id, COLUMN_DEFAULTS.id, 'id', opts.ids === true);
  for (const [name, what] of [
    [textCol, 'texts'],
    [labelCol, 'labels'],
    [groupCol, 'groups'],
    [idCol, 'ids'],
  ] as const) {
    const at = header.flatMap((h, i) => (h === name ? [i + 1] : []));
    if (!jsonl && at.length > 1)
      throw new InputError(
        `the header names column "${name}" ${at.length} times (columns ${at.join(', ')}): which one holds the ${what}? Rename the others`,
        { file: path, line: 1 },
      );
  }
  const index = (name: string | null) => (name === null ? -1 : header.indexOf(name));
  const [ti, li, gi, ii] = [index(textCol), index(labelCol), index(groupCol), index(idCol)];
  const body = jsonl ? records : records.slice(1);
  if (body.length === 0) throw new InputError('the file has a header but no rows', { file: path });
  const rows = body.map((r): TableRow => {
    const where = { file: path, line: r.line };
    let get: (i: number, name: string | null) => unknown;
    if (Array.isArray(r.fields)) {
      const fields = r.fields;
      if (fields.length !== header.length)
        throw new InputError(
          `expected ${header.length} ${format === 'tsv' ? 'tab-separated' : 'comma-separated'} fields, found ${fields.length}`,
          where,
        );
      get = (i) => (i >= 0 ? fields[i] : null);
    } else {
      const o = r.fields;
      get = (_i, name) => (name === null ? null : o[name]);
    }
    const text = get(ti, textCol);
    if (typeof text !== 'string')
      throw new InputError(
        text === undefined || text === null
          ? `missing text field "${textCol}"`
          : `the text field "${textCol}" is not a string`,
        where,
      );
    const label = scalar(get(li, labelCol), labelCol, where, opts.labelled);
    return {
      text,
      label,
      group: scalar(get(gi, groupCol), groupCol, where, false),
      id: scalar(get(ii, idCol), idCol, where, opts.ids === true),
      line: r.line,
    };
  });
  return { columns: header, used: { text: textCol, label: labelCol, group: groupCol, id: idCol }, rows };
}

/** A label, group or id as text; a number stays as written. */
function scalar(
  v: unknown,
  name: string | null,
  where: { file: string; line: number },
  required: boolean,
): string | null {
  if (v === null || v === undefined || v === '') {
    if (required) throw new InputError(`missing ${name} value`, where);
    return null;
  }
  if (typeof v === 'string') return v.trim();
  if (v instanceof NumberText) return v.text;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new InputError(`"${name}" must be a string or a number, found ${shown(v)}`, where);
}
