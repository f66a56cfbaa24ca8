/** A prediction as `predict --json` prints it and `sentiment serve` answers it: one JSON object per text. */
import type { WordContribution } from './explain.ts';
import type { Prediction } from './predictor.ts';

/** A label as JSON: a number where the data wrote a plain number ("3" → 3), else the text as written. */
export function labelJson(label: string): string | number {
  const n = Number(label);
  return label !== '' && Number.isSafeInteger(n) && String(n) === label ? n : label;
}

export interface PredictionObject {
  text: string;
  label: string | number;
  label_name: string;
  class_index: number;
  probabilities: number[];
  source: Prediction['source'];
  explanation?: WordContribution[] | null;
  [extra: string]: unknown;
}

export function predictionObject(
  r: Prediction & { text: string },
  extra: Record<string, unknown> = {},
): PredictionObject {
  return {
    text: r.text,
    label: labelJson(r.label),
    label_name: r.labelName,
    class_index: r.index,
    probabilities: r.probabilities,
    source: r.source,
    ...extra,
  };
}
