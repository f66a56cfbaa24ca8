/**
 * Nearest words by their vectors (cosine), for the transfer set's `neighbours` kind: each word of a
 * list among the same list, so a replacement is a word the student can read.
 */
import * as tf from '../engine/tf.ts';
import { readAndDispose } from '../model/tensor-data.ts';

/** Rows of similarities computed at once: 512 × 8,191 words is 16 MB. */
const CHUNK = 512;

/**
 * Each of `words` that has a vector (row `wordIndex.get(w)` of `table`, [rows, dims]) mapped to its
 * `k` nearest among them, nearest first.
 */
export function nearestWords(
  words: ReadonlyArray<string>,
  wordIndex: ReadonlyMap<string, number>,
  table: Float32Array,
  dims: number,
  k: number,
): Map<string, string[]> {
  const rows = table.length / dims;
  const known = words.filter((w) => {
    const i = wordIndex.get(w);
    return i !== undefined && i > 0 && i < rows;
  });
  const out = new Map<string, string[]>();
  if (known.length < 2) return out;
  const unit = new Float32Array(known.length * dims);
  known.forEach((w, j) => {
    const at = (wordIndex.get(w) as number) * dims;
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += table[at + d] ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dims; d++) unit[j * dims + d] = table[at + d] * scale;
  });
  const take = Math.min(k + 1, known.length);
  const all = tf.tensor2d(unit, [known.length, dims]);
  try {
    for (let start = 0; start < known.length; start += CHUNK) {
      const n = Math.min(CHUNK, known.length - start);
      const indices = readAndDispose<Int32Array>(
        tf.tidy(() => {
          const part = tf.slice(all, [start, 0], [n, dims]);
          return tf.topk(tf.matMul(part, all, false, true), take).indices;
        }),
      );
      for (let i = 0; i < n; i++) {
        const self = start + i;
        const near: string[] = [];
        for (let j = 0; j < take && near.length < k; j++) {
          const other = indices[i * take + j];
          if (other !== self) near.push(known[other]);
        }
        out.set(known[self], near);
      }
    }
  } finally {
    all.dispose();
  }
  return out;
}
