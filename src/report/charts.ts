/** The report's pictures as Vega-Lite specs (rendered to SVG by plot/render.ts): the page runs no script. */
import type { TopLevelSpec } from 'vega-lite';
import type { Calibration } from '../evaluate/calibration.ts';
import type { ClassificationReport } from '../evaluate/metrics.ts';
import type { Slice } from '../evaluate/slices.ts';
import { FONT_FAMILY } from '../plot/spec.ts';
import { THEME } from '../plot/theme.ts';

const theme = THEME.light;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const CONFIG = {
  font: FONT_FAMILY,
  view: { stroke: theme.grid },
  axis: { gridColor: theme.grid, labelFontSize: 12, titleFontSize: 13 },
  legend: { labelFontSize: 12, titleFontSize: 12 },
};

function chart(spec: Record<string, unknown>): TopLevelSpec {
  return { $schema: SCHEMA, background: theme.background, padding: 8, config: CONFIG, ...spec } as TopLevelSpec;
}

/** The confusion matrix twice: counts, and each true class's row as shares (what recall reads). */
export function confusionSpec(report: ClassificationReport, names: readonly string[]): TopLevelSpec {
  const cells = report.confusion.flatMap((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => ({ truth: names[t], predicted: names[p], count, share: total ? count / total : 0 }));
  });
  const size = Math.max(220, 56 * names.length);
  const panel = (field: 'count' | 'share', title: string, format: string) => ({
    title,
    width: size,
    height: size,
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort: names,
        title: 'predicted',
        axis: { labelAngle: -30, labelLimit: 160 },
      },
      y: { field: 'truth', type: 'nominal', sort: names, title: 'true' },
    },
    layer: [
      {
        mark: 'rect',
        // Both panels coloured by the row's share: a big class's counts would wash out the others.
        encoding: {
          color: { field: 'share', type: 'quantitative', scale: { scheme: 'blues', domain: [0, 1] }, legend: null },
        },
      },
      {
        mark: { type: 'text', fontSize: 12 },
        encoding: {
          text: { field, type: 'quantitative', format },
          color: { condition: { test: `datum.share > 0.5`, value: 'white' }, value: 'black' },
        },
      },
    ],
  });
  return chart({
    data: { values: cells },
    hconcat: [panel('count', 'counts', ',d'), panel('share', 'row-normalised (each true class sums to 1)', '.2f')],
    spacing: 48,
  });
}

/** Precision, recall and F1 of each class, side by side. */
export function perClassSpec(report: ClassificationReport, names: readonly string[]): TopLevelSpec {
  const values = report.perClass.flatMap((c, i) =>
    (['precision', 'recall', 'F1'] as const).map((score) => ({
      label: names[i],
      score,
      value: score === 'F1' ? c.f1 : c[score],
    })),
  );
  return chart({
    data: { values },
    width: Math.max(300, 120 * names.length),
    height: 220,
    mark: 'bar',
    encoding: {
      x: { field: 'label', type: 'nominal', sort: names, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'score', sort: ['precision', 'recall', 'F1'] },
      y: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, title: null },
      color: {
        field: 'score',
        type: 'nominal',
        sort: ['precision', 'recall', 'F1'],
        scale: { range: ['#1f77b4', '#ff7f0e', '#2ca02c'] },
        title: null,
      },
    },
  });
}

/** The reliability diagram: each bin's accuracy against its mean confidence; the diagonal is calibrated. */
export function reliabilitySpec(cal: Calibration): TopLevelSpec {
  const bins = cal.bins.filter((b) => b.count > 0);
  const x = {
    field: 'confidence',
    type: 'quantitative',
    scale: { domain: [0, 1] },
    title: 'confidence (mean of the bin)',
  };
  return chart({
    width: 320,
    height: 320,
    layer: [
      {
        data: {
          values: [
            { confidence: 0, accuracy: 0 },
            { confidence: 1, accuracy: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#888888' },
        encoding: { x, y: { field: 'accuracy', type: 'quantitative' } },
      },
      {
        data: { values: bins },
        mark: { type: 'line', color: theme.training, strokeWidth: 2 },
        encoding: { x, y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy' } },
      },
      {
        data: { values: bins },
        mark: { type: 'circle', color: theme.training, opacity: 0.85 },
        encoding: {
          x,
          y: { field: 'accuracy', type: 'quantitative' },
          size: { field: 'count', type: 'quantitative', title: 'rows', scale: { range: [30, 400] } },
        },
      },
    ],
  });
}

/** Accuracy per slice, each bar labelled with its rows. */
export function slicesSpec(slices: Slice[], title: string): TopLevelSpec {
  const values = slices.filter((s) => s.count > 0).map((s) => ({ ...s, rows: `${s.count.toLocaleString('en-US')}` }));
  const x = { field: 'label', type: 'nominal', sort: null, title, axis: { labelAngle: 0 } };
  return chart({
    data: { values },
    width: Math.max(240, 60 * values.length),
    height: 200,
    layer: [
      {
        mark: { type: 'bar', color: theme.training },
        encoding: { x, y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy' } },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 11 },
        encoding: { x, y: { field: 'accuracy', type: 'quantitative' }, text: { field: 'rows' } },
      },
    ],
  });
}

/** Each member's accuracy and the blend's on the same rows. */
export function membersSpec(parts: { kind: string; accuracy: number }[]): TopLevelSpec {
  return chart({
    data: { values: parts },
    width: Math.max(200, 80 * parts.length),
    height: 180,
    layer: [
      {
        mark: { type: 'bar', color: theme.validation },
        encoding: {
          x: { field: 'kind', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } },
          y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy' },
        },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 11 },
        encoding: {
          x: { field: 'kind', type: 'nominal', sort: null },
          y: { field: 'accuracy', type: 'quantitative' },
          text: { field: 'accuracy', type: 'quantitative', format: '.4f' },
        },
      },
    ],
  });
}
