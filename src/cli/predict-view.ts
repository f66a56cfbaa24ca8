/** How `sentiment predict` shows a prediction: a coloured bar per class, most likely first; or one JSON line. */
import chalk, { type ChalkInstance } from 'chalk';
import type { WordContribution } from '../predict/explain.ts';
import type { TextPrediction } from '../predict/predict-inputs.ts';

const BAR_WIDTH = 24;
const CLASS_COLOURS: ChalkInstance[] = [chalk.red, chalk.yellow, chalk.gray, chalk.cyan, chalk.green];

export function bar(p: number, width = BAR_WIDTH): string {
  const eighths = Math.round(Math.min(Math.max(p, 0), 1) * width * 8);
  const partial = eighths % 8 ? ' ▏▎▍▌▋▊▉'[eighths % 8] : '';
  return ('█'.repeat(Math.floor(eighths / 8)) + partial).padEnd(width);
}

/** The words of a text coloured by their push toward (green) or away from (red) the predicted class. */
export function formatExplanation(words: WordContribution[] | null): string {
  if (words === null)
    return `  ${chalk.dim('why: answered from the phrase memory (a training phrase); --no-memory explains the model')}`;
  const shown = words.map(({ token, contribution: c }) => {
    const tag = `${token}${chalk.dim(`(${c >= 0 ? '+' : ''}${c.toFixed(2)})`)}`;
    if (Math.abs(c) < 0.005) return tag;
    return c > 0 ? chalk.green(tag) : chalk.red(tag);
  });
  return `  why: ${shown.join(' ')}`;
}

export function formatPrediction(r: TextPrediction, labelNames: readonly string[]): string {
  const order = r.probabilities.map((p, label) => ({ p, label })).sort((a, b) => b.p - a.p);
  const width = Math.max(...labelNames.map((n) => n.length));
  const source = r.source === 'memory' ? chalk.dim('  (from memory: a training phrase, its stored labels)') : '';
  const lines = [
    `${chalk.bold(JSON.stringify(r.text))}  →  ${(CLASS_COLOURS[r.index] ?? chalk.white)(chalk.bold(r.labelName))}${source}`,
  ];
  for (const { p, label } of order) {
    const colour = CLASS_COLOURS[label] ?? chalk.white;
    const name = (labelNames[label] ?? String(label)).padEnd(width);
    lines.push(
      `  ${label === r.index ? chalk.bold(name) : name}  ${colour(bar(p))}  ${(100 * p).toFixed(1).padStart(5)}%`,
    );
  }
  return lines.join('\n');
}

/** A label as JSON: a number where the data wrote a plain number ("3" → 3), else the text as written. */
export function labelJson(label: string): string | number {
  const n = Number(label);
  return label !== '' && Number.isSafeInteger(n) && String(n) === label ? n : label;
}

export function predictionJson(r: TextPrediction, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    text: r.text,
    label: labelJson(r.label),
    label_name: r.labelName,
    class_index: r.index,
    probabilities: r.probabilities,
    source: r.source,
    ...extra,
  });
}
