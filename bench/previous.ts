/** The figures of the last `npm run bench` of the same kind (quick or full), to print beside today's. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface SavedSample {
  median: number;
}

interface SavedResult {
  quick?: boolean;
  startup_seconds?: SavedSample;
  engines?: {
    engine: string;
    steps?: Record<string, SavedSample>;
    epoch?: { seconds: number };
    predict?: { coldPredict?: SavedSample; coldPredictUnseen?: SavedSample };
  }[];
}

export interface Previous {
  /** The last run's file in the results folder; null when there is none (then every `was` is ''). */
  file: string | null;
  /** `(was 0.71 s)` for a figure the last run has, else ''. */
  was(
    engine: string | null,
    figure: (r: SavedResult, e: NonNullable<SavedResult['engines']>[number] | undefined) => number | undefined,
    unit: string,
    digits?: number,
  ): string;
}

const NONE: Previous = { file: null, was: () => '' };

export function previousResult(dir: string, quick: boolean): Previous {
  if (!existsSync(dir)) return NONE;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f.includes('-quick') === quick)
    .sort();
  const file = files.at(-1);
  if (!file) return NONE;
  let saved: SavedResult;
  try {
    saved = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SavedResult;
  } catch {
    return NONE;
  }
  return {
    file,
    was(engine, figure, unit, digits = 2) {
      const value = figure(
        saved,
        saved.engines?.find((e) => e.engine === engine),
      );
      return typeof value === 'number' && Number.isFinite(value) ? ` (was ${value.toFixed(digits)} ${unit})` : '';
    },
  };
}
