/**
 * How far a model's confidence can be trusted: rows binned by the probability of the class it
 * answered (equal-width bins, as scikit-learn's calibration_curve with strategy 'uniform'), each bin's
 * mean confidence beside its accuracy, and the expected calibration error: the rows' share-weighted
 * mean of |accuracy − confidence| over the bins (Guo et al., 2017).
 */

export interface ReliabilityBin {
  /** The bin's confidence range [lower, upper) (the last one includes 1). */
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of its rows, and the share of them answered right (NaN for an empty bin). */
  confidence: number;
  accuracy: number;
}

export interface Calibration {
  bins: ReliabilityBin[];
  /** Expected calibration error, 0 (calibrated) … 1. */
  ece: number;
}

export function calibration(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, bins = 10): Calibration {
  const count = new Array<number>(bins).fill(0);
  const sumConf = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  for (let i = 0; i < confidence.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(confidence[i] * bins)));
    count[b] += 1;
    sumConf[b] += confidence[i];
    if (correct[i]) hits[b] += 1;
  }
  const n = confidence.length;
  let ece = 0;
  const out = count.map((c, b) => {
    const conf = c ? sumConf[b] / c : Number.NaN;
    const acc = c ? hits[b] / c : Number.NaN;
    if (c) ece += (c / n) * Math.abs(acc - conf);
    return { lower: b / bins, upper: (b + 1) / bins, count: c, confidence: conf, accuracy: acc };
  });
  return { bins: out, ece };
}
