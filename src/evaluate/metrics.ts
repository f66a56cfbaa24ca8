/** Classification scores as scikit-learn reports them (a class never predicted has precision 0). */
import { SettingError } from '../errors.ts';

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** True rows of this class. */
  support: number;
}

export interface ClassificationReport {
  count: number;
  accuracy: number;
  /** Unweighted mean of the per-class F1. */
  macroF1: number;
  perClass: ClassScores[];
  /** confusion[true][predicted]. */
  confusion: number[][];
  /** Accuracy of always answering the most common true label: the floor to beat. */
  majorityLabel: number;
  majorityAccuracy: number;
}

export function confusionMatrix(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): number[][] {
  if (!Number.isSafeInteger(numClasses) || numClasses < 1)
    throw new SettingError('numClasses', 'must be a whole number of at least 1', { given: numClasses });
  if (truth.length !== predicted.length)
    throw new SettingError('predicted', `${truth.length} true labels but ${predicted.length} predictions`);
  for (const [name, labels] of [
    ['truth', truth],
    ['predicted', predicted],
  ] as const) {
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i];
      if (!Number.isInteger(c) || c < 0 || c >= numClasses)
        throw new SettingError(name, `holds ${c} at ${i}: classes are whole numbers from 0 to ${numClasses - 1}`);
    }
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]][predicted[i]] += 1;
  return m;
}

export function classificationReport(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): ClassificationReport {
  const confusion = confusionMatrix(truth, predicted, numClasses);
  const count = truth.length;
  let correct = 0;
  const perClass = confusion.map((row, c) => {
    const tp = row[c];
    correct += tp;
    const support = row.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, r) => a + r[c], 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  let majorityLabel = 0;
  perClass.forEach((s, c) => {
    if (s.support > perClass[majorityLabel].support) majorityLabel = c;
  });
  return {
    count,
    accuracy: count ? correct / count : NaN,
    macroF1: perClass.reduce((a, s) => a + s.f1, 0) / numClasses,
    perClass,
    confusion,
    majorityLabel,
    majorityAccuracy: count ? perClass[majorityLabel].support / count : NaN,
  };
}
