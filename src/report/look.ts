/**
 * The report's look, shared with the page `sentiment export` writes: its stylesheet, and how a word's
 * push is coloured. Plain strings, no Node API (the page bundles this).
 */

export const STYLE = `
body { overflow-wrap: anywhere; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1a1a1a;
  max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 36px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub { color: #666; margin: 0 0 18px; }
table { border-collapse: collapse; margin: 8px 0 14px; }
th, td { padding: 3px 10px; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
/* Text from the data stays in its cell: a long word breaks, a name wraps, a direction override stays inside. */
th, td { overflow-wrap: anywhere; unicode-bidi: isolate; max-width: 28em; }
.scroll { overflow-x: auto; max-width: 100%; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.headline { display: flex; gap: 18px; flex-wrap: wrap; margin: 10px 0; }
.headline div { background: #f4f6f8; border-radius: 6px; padding: 8px 14px; }
.headline b { display: block; font-size: 22px; }
.card td:first-child { color: #555; white-space: nowrap; }
.card td { word-break: break-all; }
figure { margin: 8px 0 16px; overflow-x: auto; } svg { max-width: 100%; height: auto; }
.w { border-radius: 3px; padding: 0 2px; }
.mistakes td.text { max-width: 640px; }
.note { color: #555; font-size: 14px; }
.legend span { padding: 0 6px; border-radius: 3px; }
`;

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A word's background: orange where it pushed toward the answer, blue where away, stronger for more. */
export function wordColour(c: number, scale: number): string {
  const a = Math.min(1, Math.abs(c) / scale) * 0.75;
  return c >= 0 ? `rgba(255,127,14,${a.toFixed(3)})` : `rgba(31,119,180,${a.toFixed(3)})`;
}
