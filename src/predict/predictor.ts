/**
 * Texts to class probabilities with a loaded model, fed exactly as it was trained: same cleaning and
 * tokenizer, cut to its max length, grouped by length (or pre-padded for 'max' models). A phrase is
 * never padded to fit its batch-mates, so its probabilities do not depend on them.
 */
import { makeBatches, range } from '../data/batches.ts';
import { InputError } from '../data/errors.ts';
import { LABEL_NAMES } from '../data/labels.ts';
import { cleanText } from '../data/clean.ts';
import { truncatePre } from '../data/sequences.ts';
import type { LoadedModel } from '../model/directory.ts';
import { argmax, predictBatch } from '../train/evaluate.ts';

export const PREDICT_BATCH_SIZE = 512;

export interface Prediction {
  label: number;
  labelName: string;
  /** One per class, in label order. */
  probabilities: number[];
}

export interface EncodedTexts {
  sequences: number[][];
  /** How many texts had more tokens than the model's max length (cut 'pre'). */
  truncated: number;
}

export class Predictor {
  constructor(
    readonly loaded: LoadedModel,
    readonly batchSize = PREDICT_BATCH_SIZE,
  ) {}

  encode(texts: ReadonlyArray<string>): EncodedTexts {
    const { tokenizer, settings } = this.loaded;
    let truncated = 0;
    const sequences = texts.map((t) => {
      const full = tokenizer.textToSequence(cleanText(t));
      if (full.length > settings.maxLen) truncated += 1;
      return truncatePre(full, settings.maxLen);
    });
    return { sequences, truncated };
  }

  /** Probabilities for already-encoded sequences, in their order. */
  predictSequences(sequences: ReadonlyArray<ArrayLike<number>>, onProgress?: (done: number, total: number) => void): Prediction[] {
    const { model, settings } = this.loaded;
    const out = new Array<Prediction>(sequences.length);
    const batches = makeBatches(sequences, range(0, sequences.length), { mode: settings.batching, batchSize: this.batchSize, maxLen: settings.maxLen });
    let done = 0;
    for (const batch of batches) {
      const probs = predictBatch(model, sequences, batch);
      done += batch.rows.length;
      const k = probs.length / batch.rows.length;
      batch.rows.forEach((row, i) => {
        out[row] = toPrediction(Array.from(probs.subarray(i * k, (i + 1) * k)));
      });
      onProgress?.(done, sequences.length);
    }
    return out;
  }

  predict(texts: ReadonlyArray<string>): { predictions: Prediction[]; truncated: number } {
    const { sequences, truncated } = this.encode(texts);
    return { predictions: this.predictSequences(sequences), truncated };
  }
}

export function toPrediction(probabilities: number[]): Prediction {
  const label = argmax(probabilities);
  return { label, labelName: LABEL_NAMES[label] ?? String(label), probabilities };
}

/** The texts a user typed must say something. */
export function checkText(text: string, where: { file?: string; line?: number } = {}): void {
  if (text.trim() === '') throw new InputError(where.line ? 'empty text (one text per line)' : 'empty text: give a phrase to classify', where);
}
