/**
 * tfjs' AdamOptimizer's state, which its types keep private: the one-pass update (src/model/adam.ts)
 * reads and writes it as tfjs' own applyGradients does. Checked against @tensorflow/tfjs-core 4.22.0
 * (index.ts: CHECKED_VERSIONS); guarded by test/model/adam.test.ts (same bits as tfjs' Adam).
 */
import type * as tf from '../tf.ts';
import { patchRan } from './usage.ts';

export interface AdamState {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | null)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | null)[];
  incrementIterations(): void;
}

export function adamState(optimizer: tf.AdamOptimizer): AdamState {
  patchRan('adam-internals');
  return optimizer as unknown as AdamState;
}
