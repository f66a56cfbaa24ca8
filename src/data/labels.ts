/** The five sentiment classes of the Kaggle movie-review data. */
export const LABEL_NAMES = ['negative', 'somewhat negative', 'neutral', 'somewhat positive', 'positive'] as const;
export const NUM_CLASSES = LABEL_NAMES.length;

export function labelCounts(labels: ArrayLike<number>, numClasses: number = NUM_CLASSES): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]] += 1;
  return counts;
}
