/**
 * Why the model answered what it did, by occlusion: each word of the cleaned text is left out in turn
 * and the predicted class's probability computed again, by the same members and blend, every variant
 * of every text in one batch. A word's contribution is p(text) − p(text without it): positive pushes
 * toward the answer, negative away from it. It only asks the model, so it is honest for every member
 * kind (LSTMs, n-grams, blends); it costs one more forward pass per word. A text the phrase memory
 * answered gets no explanation: the model did not decide it.
 */
import { cleanText } from '../data/clean.ts';
import type { Prediction, Predictor } from './predictor.ts';

export interface WordContribution {
  /** The word as the model reads it (cleaned). */
  token: string;
  /** The predicted class's probability with the word, less without it. */
  contribution: number;
}

/** Each text's words and their contributions, in order; null where the phrase memory answered. */
export function explainPredictions(
  predictor: Predictor,
  texts: ReadonlyArray<string>,
  predictions: ReadonlyArray<Prediction>,
): (WordContribution[] | null)[] {
  const words = texts.map((t, i) =>
    predictions[i].source === 'model' ? cleanText(t).split(' ').filter(Boolean) : null,
  );
  const variants = words.flatMap((w) => (w ? w.map((_, j) => [...w.slice(0, j), ...w.slice(j + 1)].join(' ')) : []));
  const k = predictor.numClasses;
  const probabilities = variants.length ? predictor.modelProbabilities(variants) : new Float32Array(0);
  let at = 0;
  return words.map((w, i) => {
    if (!w) return null;
    const { index, probabilities: p } = predictions[i];
    const out = w.map((token, j) => ({ token, contribution: p[index] - probabilities[(at + j) * k + index] }));
    at += w.length;
    return out;
  });
}
