import { patchRan } from '../engine/speed-layer.ts';

/** Mutes tfjs' warning that an orthogonal initialiser over 2,000 elements may be slow (about a second on wasm, once per model). */
export function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Orthogonal initializer')) {
      patchRan('quiet-warning');
      return;
    }
    warn(...args);
  };
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

/** The model's layers in order, as one line: `Embedding → SpatialDropout1D → Bidirectional(LSTM) → …`. */
export function describeLayers(model: {
  layers: { getClassName(): string; getConfig(): Record<string, unknown> }[];
}): string {
  return model.layers
    .map((l) => {
      const name = l.getClassName();
      const config = l.getConfig();
      const inner =
        (config.layer as { className?: string } | undefined)?.className ??
        (name === 'Dense' ? config.activation : undefined);
      return inner ? `${name}(${String(inner)})` : name;
    })
    .filter((n) => n !== 'InputLayer')
    .join(' → ');
}
