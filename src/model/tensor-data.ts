/**
 * A tensor's values, read once and the tensor freed. Made inside `tf.tidy`, a tensor should leave it as
 * the tensor and be read here, outside: tidy walks whatever its function returns key by key looking for
 * tensors, and a typed array of a batch's probabilities (thousands of numbers) cost more than the Dense
 * layer that made them (0.6 s of a 12 s Kaggle submission of `best`).
 */
import type { Tensor } from '@tensorflow/tfjs-core';

export function readAndDispose<A extends Float32Array | Int32Array = Float32Array>(t: Tensor): A {
  try {
    return t.dataSync() as A;
  } finally {
    t.dispose();
  }
}
