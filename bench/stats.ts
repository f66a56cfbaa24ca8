/** Summaries of repeated timings: the median, and the spread the machine's noise put around it. */
export interface Sample {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function summarize(runs: number[]): Sample {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs };
}

export async function repeat(times: number, fn: () => Promise<number> | number): Promise<Sample> {
  const runs: number[] = [];
  for (let i = 0; i < times; i++) runs.push(await fn());
  return summarize(runs);
}

export function formatSample(s: Sample, unit: string, digits = 2): string {
  return `${s.median.toFixed(digits)} ${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.runs.length})`;
}
