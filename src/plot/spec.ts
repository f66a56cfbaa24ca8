/** The picture as a Vega-Lite spec: loss and accuracy panels side by side, training and validation curves with points. */
import type { TopLevelSpec } from 'vega-lite';
import type { Curves } from './curves.ts';
import type { Theme } from './theme.ts';

export const FONT_FAMILY = 'DejaVu Sans';
export const PANEL = { width: 420, height: 300 } as const;

interface Point {
  epoch: number;
  value: number;
  series: 'training' | 'validation';
}

function points(epochs: number[], training: (number | null)[], validation: (number | null)[]): Point[] {
  const out: Point[] = [];
  epochs.forEach((epoch, i) => {
    if (training[i] !== null) out.push({ epoch, value: training[i] as number, series: 'training' });
    if (validation[i] !== null) out.push({ epoch, value: validation[i] as number, series: 'validation' });
  });
  return out;
}

export function historySpec(curves: Curves, title: string, theme: Theme): TopLevelSpec {
  const last = curves.epochs[curves.epochs.length - 1];
  const first = curves.epochs[0];
  // One epoch: widen the axis so the lone points sit in the middle.
  const domain = last > first ? [first, last] : [first - 1, last + 1];
  const x = {
    field: 'epoch',
    type: 'quantitative' as const,
    title: 'Epochs',
    scale: { domain, nice: false },
    axis: { tickMinStep: 1, format: 'd' },
  };
  // A dashed rule, labelled, where the model's weights come from (the best epoch, usually).
  const keptMarker =
    curves.kept === null
      ? []
      : [
          {
            data: { values: [{ epoch: curves.kept }] },
            mark: { type: 'rule' as const, strokeDash: [6, 4], strokeWidth: 1.5, color: theme.foreground },
            encoding: { x },
          },
          {
            data: { values: [{ epoch: curves.kept }] },
            mark: {
              type: 'text' as const,
              text: 'kept',
              align: 'left' as const,
              baseline: 'top' as const,
              dx: 4,
              dy: 4,
              fontSize: 12,
              color: theme.foreground,
            },
            encoding: { x, y: { value: 0 } },
          },
        ];
  const panel = (values: Point[], yTitle: string) => ({
    width: PANEL.width,
    height: PANEL.height,
    layer: [
      {
        data: { values },
        mark: { type: 'line' as const, point: { filled: true, size: 60 }, strokeWidth: 2.5 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' as const, title: yTitle, scale: { zero: false } },
          color: {
            field: 'series',
            type: 'nominal' as const,
            title: null,
            scale: { domain: ['training', 'validation'], range: [theme.training, theme.validation] },
          },
        },
      },
      ...keptMarker,
    ],
    title: { text: yTitle, fontSize: 15 },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, fontSize: 17, anchor: 'middle' },
    background: theme.background,
    padding: 16,
    hconcat: [
      panel(points(curves.epochs, curves.loss, curves.valLoss), 'Loss'),
      panel(points(curves.epochs, curves.acc, curves.valAcc), 'Accuracy'),
    ],
    spacing: 40,
    config: {
      font: FONT_FAMILY,
      view: { stroke: theme.grid },
      title: { color: theme.foreground },
      axis: {
        labelColor: theme.foreground,
        titleColor: theme.foreground,
        domainColor: theme.foreground,
        tickColor: theme.foreground,
        gridColor: theme.grid,
        labelFontSize: 12,
        titleFontSize: 13,
      },
      legend: { labelColor: theme.foreground, labelFontSize: 13, orient: 'right', symbolStrokeWidth: 3 },
    },
  };
}
