/** How `sentiment predict` shows a prediction: a coloured bar per class, most likely first; or one JSON line. */
import chalk, { type ChalkInstance } from 'chalk';
import { shownWords, type WordContribution } from '../predict/explain.ts';
import { predictionObject } from '../predict/prediction-json.ts';
import type { TextPrediction } from '../predict/predict-inputs.ts';

const BAR_WIDTH = 24;
const CLASS_COLOURS: ChalkInstance[] = [chalk.red, chalk.yellow, chalk.gray, chalk.cyan, chalk.green];

export function bar(p: number, width = BAR_WIDTH): string {
  const eighths = Math.round(Math.min(Math.max(p, 0), 1) * width * 8);
  const partial = eighths % 8 ? ' ▏▎▍▌▋▊▉'[eighths % 8] : '';
  return ('█'.repeat(Math.floor(eighths / 8)) + partial).padEnd(width);
}

/**
 * Text from the data as a terminal shows it: control characters (an escape sequence would recolour or
 * clear the screen) and bidirectional overrides (they reorder what follows) written as \u escapes.
 */
export function visibleText(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The words of a text coloured by their push toward (green) or away from (red) the predicted class. */
export function formatExplanation(words: WordContribution[] | null): string {
  if (words === null)
    return `  ${chalk.dim('why: answered from the phrase memory (a training phrase); --no-memory explains the model')}`;
  const { hidden, words: last } = shownWords(words);
  const shown = last.map(({ token, contribution: c }) => {
    const word = visibleText(token);
    if (c === null) return `${word}${chalk.dim('(?)')}`;
    const tag = `${word}${chalk.dim(`(${c >= 0 ? '+' : ''}${c.toFixed(2)})`)}`;
    if (Math.abs(c) < 0.005) return tag;
    return c > 0 ? chalk.green(tag) : chalk.red(tag);
  });
  const before = hidden
    ? `${chalk.dim(`… ${hidden.toLocaleString('en-US')} earlier words (--json lists them) …`)} `
    : '';
  const unmeasured = last.some((w) => w.contribution === null)
    ? `\n  ${chalk.dim('(?): read by the model but not measured (beyond the last words an explanation measures)')}`
    : '';
  return `  why: ${before}${shown.join(' ')}${unmeasured}`;
}

export function formatPrediction(r: TextPrediction, labelNames: readonly string[]): string {
  const order = r.probabilities.map((p, label) => ({ p, label })).sort((a, b) => b.p - a.p);
  const names = labelNames.map(visibleText);
  const width = Math.max(...names.map((n) => n.length));
  const source = r.source === 'memory' ? chalk.dim('  (from memory: a training phrase, its stored labels)') : '';
  const lines = [
    `${chalk.bold(JSON.stringify(r.text))}  →  ${(CLASS_COLOURS[r.index] ?? chalk.white)(chalk.bold(visibleText(r.labelName)))}${source}`,
  ];
  for (const { p, label } of order) {
    const colour = CLASS_COLOURS[label] ?? chalk.white;
    const name = (names[label] ?? String(label)).padEnd(width);
    lines.push(
      `  ${label === r.index ? chalk.bold(name) : name}  ${colour(bar(p))}  ${(100 * p).toFixed(1).padStart(5)}%`,
    );
  }
  return lines.join('\n');
}

export function predictionJson(r: TextPrediction, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(predictionObject(r, extra));
}
