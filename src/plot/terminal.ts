/** A compact look at the curves in the terminal: asciichart line charts, stretched to a readable width. */
import * as asciichart from 'asciichart';
import type { Curves } from './curves.ts';

export interface TerminalChartOptions {
  width?: number;
  height?: number;
  colour?: boolean;
}

/** Linear interpolation of per-epoch values onto `width` columns (one epoch is one column repeated). */
export function stretch(values: number[], width: number): number[] {
  if (values.length <= 1) return new Array<number>(width).fill(values[0] ?? 0);
  return Array.from({ length: width }, (_, i) => {
    const x = (i * (values.length - 1)) / (width - 1);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, values.length - 1);
    return values[lo] + (values[hi] - values[lo]) * (x - lo);
  });
}

function complete(s: (number | null)[]): number[] | null {
  return s.every((v) => v !== null) ? (s as number[]) : null;
}

export function terminalChart(curves: Curves, opts: TerminalChartOptions = {}): string {
  const width = opts.width ?? 48;
  const height = opts.height ?? 8;
  const [cTrain, cVal] = opts.colour === false ? [undefined, undefined] : [asciichart.cyan, asciichart.yellow];
  const paint = (text: string, c: string | undefined) => (c ? asciichart.colored(text, c) : text);
  const legend = `${paint('━━ training', cTrain)}   ${paint('━━ validation', cVal)}   (epochs ${curves.epochs[0]}–${curves.epochs[curves.epochs.length - 1]})`;
  const chart = (name: string, train: (number | null)[], val: (number | null)[]) => {
    const series: number[][] = [];
    const colors: (string | undefined)[] = [];
    for (const [s, c] of [
      [complete(train), cTrain],
      [complete(val), cVal],
    ] as const) {
      if (s) {
        series.push(stretch(s, width));
        colors.push(c);
      }
    }
    if (series.length === 0) return `${name}: no values`;
    return `${name}\n${asciichart.plot(series, { height, colors, format: (x: number) => x.toFixed(3).padStart(7) })}`;
  };
  return [chart('loss', curves.loss, curves.valLoss), chart('accuracy', curves.acc, curves.valAcc), legend].join('\n');
}
