/**
 * `npm run bench -- --compare FILE`: every figure of this run (or of `--against FILE`) beside the same
 * figure of an earlier results file, with the ratio, marking each one more than 15% worse. Run it before
 * and after a change that could move a speed: a 3× slower scoring once went unnoticed for days.
 */
import { readFileSync } from 'node:fs';

/** A figure is worse when it moved the wrong way by more than this share. */
export const WORSE_BY = 0.15;

interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Phrases per second: more is better; times and memory: less is better. */
  higherIsBetter: boolean;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const median = (v: unknown): number | null => num(obj(v).median);

/** The comparable figures of one results file, by name. */
export function figuresOf(result: unknown): Map<string, Figure> {
  const out = new Map<string, Figure>();
  const add = (name: string, value: number | null, unit: string, higherIsBetter = false) => {
    if (value !== null) out.set(name, { name, value, unit, higherIsBetter });
  };
  const r = obj(result);
  for (const e of Array.isArray(r.engines) ? r.engines : []) {
    const engine = obj(e);
    const name = String(engine.engine);
    for (const [shape, sample] of Object.entries(obj(engine.steps)))
      add(`${name}: training step ${shape}`, median(sample), 's');
    add(`${name}: epoch`, num(obj(engine.epoch).seconds), 's');
    add(`${name}: training peak RSS`, num(engine.trainingPeakRssMb), 'MB');
    const p = obj(engine.predict);
    add(`${name}: cold predict (memory)`, median(p.coldPredict), 's');
    add(`${name}: cold predict (unseen phrase)`, median(p.coldPredictUnseen), 's');
    add(`${name}: cold predict (memory), peak RSS`, num(p.coldPredictRssMb), 'MB');
    add(`${name}: cold predict (unseen phrase), peak RSS`, num(p.coldPredictUnseenRssMb), 'MB');
    add(`${name}: submission`, median(p.submissionPhrasesPerSecond), 'phrases/s', true);
    add(`${name}: submission, whole command`, median(p.submissionWall), 's');
    add(`${name}: evaluate --validation, scoring`, median(p.validationSeconds), 's');
    add(`${name}: cold predict --explain (unseen phrase)`, median(p.coldExplainUnseen), 's');
    add(`${name}: report (validation rows)`, median(p.reportWall), 's');
  }
  const serve = obj(r.serve);
  for (const run of Array.isArray(serve.runs) ? serve.runs : []) {
    const x = obj(run);
    const what = `serve: ${x.connections} connections, ${x.textsPerRequest === 1 ? 'one text' : `${x.textsPerRequest} texts`}`;
    add(`${what}: requests/s`, num(x.requestsPerSecond), 'req/s', true);
    add(`${what}: p99`, num(x.p99Ms), 'ms');
  }
  add('serve: RSS after the requests', num(obj(serve.rssMb).afterRequests), 'MB');
  add('start-up (--version)', median(r.startup_seconds), 's');
  add('the bench process, peak RSS', num(r.peak_rss_mb), 'MB');
  add('vectors member epoch', num(obj(r.vectors).epochSeconds), 's');
  return out;
}

export interface ComparedFigure {
  name: string;
  was: number;
  now: number;
  unit: string;
  /** now / was. */
  ratio: number;
  worse: boolean;
}

export function compareFigures(was: unknown, now: unknown): ComparedFigure[] {
  const before = figuresOf(was);
  return [...figuresOf(now).values()].flatMap((f) => {
    const old = before.get(f.name);
    if (!old || old.value === 0) return [];
    const ratio = f.value / old.value;
    const worse = f.higherIsBetter ? ratio < 1 - WORSE_BY : ratio > 1 + WORSE_BY;
    return [{ name: f.name, was: old.value, now: f.value, unit: f.unit, ratio, worse }];
  });
}

/** A results file that cannot be compared: one line naming it. */
export class ResultsFileError extends Error {
  override name = 'ResultsFileError';
}

/** An earlier results file, read and checked (an object of figures), or a ResultsFileError naming it. */
export function readResults(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new ResultsFileError(`${file}: ${why}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ResultsFileError(`${file}: not a results file (${(err as Error).message}; cut short?)`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new ResultsFileError(`${file}: not a results file (expected a JSON object of figures)`);
  return json as Record<string, unknown>;
}

/** The comparison as lines of a table; `WORSE` marks each figure past the threshold. */
export function formatComparison(
  rows: ComparedFigure[],
  wasFile: string,
  machines: [unknown, unknown] = [null, null],
): string {
  if (rows.length === 0) return `no figure in common with ${wasFile}\n`;
  const [a, b] = machines.map((m) => String(obj(m).cpus ?? '?'));
  const warn = a !== b ? `note: different machines (${a} then ${b}): compare runs of one machine, interleaved\n` : '';
  const fmt = (v: number, unit: string) => `${v >= 100 ? v.toFixed(0) : v.toFixed(2)} ${unit}`;
  const table = [
    ['figure', `was (${wasFile})`, 'now', 'ratio', ''],
    ...rows.map((r) => [
      r.name,
      fmt(r.was, r.unit),
      fmt(r.now, r.unit),
      `${r.ratio.toFixed(2)}×`,
      r.worse ? `WORSE (> ${WORSE_BY * 100}%)` : '',
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const worse = rows.filter((r) => r.worse).length;
  return `${warn}${table
    .map((r) =>
      r
        .map((v, i) => v.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join(
      '\n',
    )}\n${worse ? `${worse} figure${worse === 1 ? '' : 's'} more than ${WORSE_BY * 100}% worse` : 'no figure more than 15% worse'}\n`;
}
