/** Mutes tfjs' warning that an orthogonal initialiser over 2,000 elements may be slow (about a second on wasm, once per model). */
export function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Orthogonal initializer')) return;
    warn(...args);
  };
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

/**
 * The model's layers in order, as one line: `Embedding → SpatialDropout1D → Bidirectional(LSTM) → …`;
 * side-by-side branches of one kind once, counted: `Conv1D ×4 → GlobalMaxPooling1D ×4`.
 */
export function describeLayers(model: {
  layers: { getClassName(): string; getConfig(): Record<string, unknown> }[];
}): string {
  const names = model.layers
    .map((l) => {
      const name = l.getClassName();
      const config = l.getConfig();
      const inner =
        (config.layer as { className?: string } | undefined)?.className ??
        (name === 'Dense' ? config.activation : undefined);
      return inner ? `${name}(${String(inner)})` : name;
    })
    .filter((n) => n !== 'InputLayer');
  const runs: { name: string; count: number }[] = [];
  for (const name of names) {
    const last = runs.at(-1);
    if (last?.name === name) last.count++;
    else runs.push({ name, count: 1 });
  }
  return runs.map((r) => (r.count > 1 ? `${r.name} ×${r.count}` : r.name)).join(' → ');
}
