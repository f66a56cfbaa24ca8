/**
 * `json.dumps` as Python writes it by default (separators `", "` and `": "`, non-ASCII escaped),
 * so that files meant for Keras are byte-compatible with what Keras itself writes.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    // A Map keeps insertion order for every key; a plain object would move integer-like keys first.
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
    const parts = entries.map(([k, v]) => `${pythonString(String(k))}: ${pythonJsonDumps(v)}`);
    return `{${parts.join(', ')}}`;
  }
  throw new TypeError(`cannot serialise ${typeof value}`);
}

function pythonString(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters the way Python does;
  // Python additionally escapes everything outside ASCII.
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  return String(x);
}
