/**
 * Trains the bag-of-n-grams member: the tf-idf vectoriser fitted on the training phrases, then
 * mini-batch AdaGrad on the softmax cross-entropy, one shuffled pass per epoch, updating only the
 * features a batch uses. (Full-batch L-BFGS, as scikit-learn solves it, reached 0.5 points more on an
 * inner split but took 20 times longer.)
 */
import type { Rng } from '../data/random.ts';
import { DEFAULT_NGRAMS, type NgramConfig } from '../model/ngram/features.ts';
import { NgramMember } from '../model/ngram/member.ts';
import { SoftmaxRegression, softmaxInPlace } from '../model/ngram/softmax.ts';
import { TfidfVectorizer, type SparseRows } from '../model/ngram/vectorizer.ts';
import { nextTurn } from './loop.ts';

export interface NgramTraining {
  config: NgramConfig;
  epochs: number;
  /** AdaGrad's base learning rate. */
  learningRate: number;
  batchSize: number;
}

/** Chosen on an inner split of the training rows (the last 10% of them), never on validation rows. */
export const NGRAM_TRAINING: NgramTraining = { config: DEFAULT_NGRAMS, epochs: 5, learningRate: 0.1, batchSize: 32 };

export interface NgramProgress {
  /** 'features' while the vectoriser reads the phrases, then one 'epoch' per pass. */
  phase: 'features' | 'epoch';
  epoch: number;
  done: number;
  total: number;
}

export async function trainNgram(
  cleaned: ReadonlyArray<string>,
  labels: ArrayLike<number>,
  classes: number,
  rng: Rng,
  opts: NgramTraining = NGRAM_TRAINING,
  hooks: { onProgress?(p: NgramProgress): void; signal?: AbortSignal } = {},
): Promise<NgramMember | null> {
  hooks.onProgress?.({ phase: 'features', epoch: 0, done: 0, total: cleaned.length });
  const vectorizer = TfidfVectorizer.fit(cleaned, opts.config);
  if (hooks.signal) await nextTurn();
  if (hooks.signal?.aborted) return null;
  const x = vectorizer.transform(cleaned);
  const model = await fitAdagrad(x, labels, { features: vectorizer.features, classes }, opts, rng, hooks);
  return model && new NgramMember(vectorizer, model);
}

async function fitAdagrad(
  x: SparseRows,
  labels: ArrayLike<number>,
  shape: { features: number; classes: number },
  opts: NgramTraining,
  rng: Rng,
  hooks: { onProgress?(p: NgramProgress): void; signal?: AbortSignal },
): Promise<SoftmaxRegression | null> {
  const k = shape.classes;
  const w = new Float32Array(shape.features * k);
  const b = new Float32Array(k);
  // Squared gradients so far, started just above 0 so the first step is finite.
  const g2 = new Float32Array(w.length).fill(1e-8);
  const gb2 = new Float32Array(k).fill(1e-8);
  const grad = new Float32Array(w.length);
  const gb = new Float64Array(k);
  const touched = new Int32Array(shape.features);
  const mark = new Int32Array(shape.features).fill(-1);
  const z = new Float64Array(k);
  const { rowStart, cols, vals } = x;
  const order = Int32Array.from({ length: x.rows }, (_, i) => i);
  const lr = opts.learningRate;
  let step = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < order.length; start += opts.batchSize) {
      if (hooks.signal?.aborted) return null;
      const end = Math.min(order.length, start + opts.batchSize);
      let nt = 0;
      gb.fill(0);
      step += 1;
      for (let q = start; q < end; q++) {
        const r = order[q];
        const [e0, e1] = [rowStart[r], rowStart[r + 1]];
        for (let j = 0; j < k; j++) z[j] = b[j];
        for (let e = e0; e < e1; e++) {
          const v = vals[e];
          const at = cols[e] * k;
          for (let j = 0; j < k; j++) z[j] += v * w[at + j];
        }
        softmaxInPlace(z);
        z[labels[r]] -= 1;
        for (let j = 0; j < k; j++) gb[j] += z[j];
        for (let e = e0; e < e1; e++) {
          const f = cols[e];
          if (mark[f] !== step) {
            mark[f] = step;
            touched[nt++] = f;
          }
          const v = vals[e];
          const at = f * k;
          for (let j = 0; j < k; j++) grad[at + j] += v * z[j];
        }
      }
      const scale = 1 / (end - start);
      for (let t = 0; t < nt; t++) {
        const at = touched[t] * k;
        for (let j = 0; j < k; j++) {
          const g = grad[at + j] * scale;
          grad[at + j] = 0;
          g2[at + j] += g * g;
          w[at + j] -= (lr * g) / Math.sqrt(g2[at + j]);
        }
      }
      for (let j = 0; j < k; j++) {
        const g = gb[j] * scale;
        gb2[j] += g * g;
        b[j] -= (lr * g) / Math.sqrt(gb2[j]);
      }
      // The epoch's last batch is reported below, once.
      if (step % 256 === 0 && end < order.length) {
        hooks.onProgress?.({ phase: 'epoch', epoch, done: end, total: order.length });
        // The loop is synchronous: let a signal's handler run now and then.
        if (hooks.signal) await nextTurn();
      }
    }
    hooks.onProgress?.({ phase: 'epoch', epoch, done: order.length, total: order.length });
  }
  return new SoftmaxRegression(k, w, b);
}
