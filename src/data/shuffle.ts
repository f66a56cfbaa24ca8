/** A seeded source of numbers in [0, 1) (random.ts makes them), and the shuffle batches use. */
export type Rng = () => number;

/** Fisher-Yates, in place. */
export function shuffleInPlace<T>(items: T[] | Int32Array, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}
