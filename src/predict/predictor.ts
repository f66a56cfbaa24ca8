/**
 * Texts to class probabilities with a loaded model: each text cleaned once, then every member's
 * probabilities (fed as that member was trained). A text's probabilities never depend on the other
 * texts it is predicted with.
 */
import { cleanTexts } from '../data/encode.ts';
import { InputError, type Where } from '../errors.ts';
import type { LoadedModel } from '../model/directory.ts';
import type { PredictOptions } from '../model/member.ts';
import { DEFAULT_BATCH_SIZE } from '../model/recipe-member.ts';
import { argmax } from '../model/scores.ts';

export const PREDICT_BATCH_SIZE = DEFAULT_BATCH_SIZE;

export interface Prediction {
  label: number;
  labelName: string;
  /** One per class, in label order. */
  probabilities: number[];
}

export class Predictor {
  constructor(
    readonly loaded: LoadedModel,
    readonly batchSize = PREDICT_BATCH_SIZE,
  ) {}

  get labelNames(): readonly string[] {
    return this.loaded.labelNames;
  }

  /** The shortest input limit among the members: longer texts are cut (counted in `truncated`). */
  get maxLen(): number | null {
    const limits = this.loaded.members.map((m) => m.maxLen).filter((n): n is number => n !== null);
    return limits.length ? Math.min(...limits) : null;
  }

  /** Probabilities of each text, in order; `truncated` counts texts cut to fit a member. */
  predict(texts: ReadonlyArray<string>, onProgress?: PredictOptions['onProgress']): { predictions: Prediction[]; truncated: number } {
    const cleaned = cleanTexts(texts);
    const [member] = this.loaded.members;
    const { probabilities, truncated } = member.predict(cleaned, { batchSize: this.batchSize, onProgress });
    const k = member.numClasses;
    const predictions = texts.map((_, i) => this.toPrediction(Array.from(probabilities.subarray(i * k, (i + 1) * k))));
    return { predictions, truncated };
  }

  toPrediction(probabilities: number[]): Prediction {
    const label = argmax(probabilities);
    return { label, labelName: this.labelNames[label] ?? String(label), probabilities };
  }
}

/** The texts a user typed must say something. */
export function checkText(text: string, where: Where = {}): void {
  if (text.trim() === '') throw new InputError(where.line ? 'empty text (one text per line)' : 'empty text: give a phrase to classify', where);
}
