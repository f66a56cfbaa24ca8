/** Small text formatters shared by the commands. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export const fmt4 = (x: number | null): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(4));
