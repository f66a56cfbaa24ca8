/** Classification scores as scikit-learn reports them (a class never predicted has precision 0). */

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
  if (truth.length !== predicted.length)
    throw new Error(`${truth.length} true labels but ${predicted.length} predictions`);
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
