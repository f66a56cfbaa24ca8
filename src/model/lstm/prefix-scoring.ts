/**
 * Scoring a recipe-shaped model (Embedding → dropouts → LSTM → any head, as a Sequential model) over
 * a prefix forest on the native kernel: each distinct phrase start runs through the LSTM once, and
 * only the forward pass runs (no dropout, nothing kept for a gradient). The same arithmetic as the
 * layers path, so the same probabilities (test/model/lstm/prefix-scoring.test.ts compares them).
 * Other models, and engines without the kernel, are scored by the layers path.
 */
import * as tf from '../../engine/tf.ts';
import { nativeLstmAddon } from '../../engine/engine.ts';
import { runForwardTree } from './kernels.ts';
import { FusedLSTM } from './layer.ts';
import { buildPrefixForest } from './prefix-forest.ts';

/** Class probabilities (row-major [sequences, classes]) of token sequences exactly as they are fed. */
export type FedScorer = (fed: ReadonlyArray<ArrayLike<number>>) => Float32Array;

const PASS_THROUGH = new Set(['SpatialDropout1D', 'Dropout']);

/** A scorer over prefix forests for `model`, or null when the model or the engine does not allow one. */
export function prefixTreeScorer(model: tf.LayersModel): FedScorer | null {
  const addon = nativeLstmAddon();
  if (!addon?.forwardTree || model.getClassName() !== 'Sequential') return null;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const at = layers.findIndex((l) => l instanceof FusedLSTM);
  const [embedding, ...between] = layers.slice(0, Math.max(0, at));
  if (at < 1 || embedding.getClassName() !== 'Embedding' || embedding.getConfig().maskZero === true) return null;
  if (!between.every((l) => PASS_THROUGH.has(l.getClassName()))) return null;
  const lstm = (layers[at] as FusedLSTM).inferenceWeights();
  const head = layers.slice(at + 1);
  const [table] = embedding.getWeights();
  if (!lstm || table.rank !== 2 || table.shape[1] !== lstm.features) return null;
  const rows = table.shape[0];
  const vectors = table.dataSync() as Float32Array;
  const { units, features } = lstm;
  const withForest = { ...addon, forwardTree: addon.forwardTree };
  // Kept from one forest to the next: fresh pages cost a fault each on first touch.
  let x = new Float32Array(0);
  let h = new Float32Array(0);
  return (fed) => {
    const forest = buildPrefixForest(fed);
    if (x.length < forest.nodes * features) x = new Float32Array(forest.nodes * features);
    if (h.length < forest.nodes * units) h = new Float32Array(forest.nodes * units);
    for (let i = 0; i < forest.nodes; i++) {
      const token = forest.tokens[i];
      // The tokenizer never gives one past the embedding (the loader checks); gather would read zeros.
      if (token >= 0 && token < rows) x.set(vectors.subarray(token * features, (token + 1) * features), i * features);
    }
    runForwardTree(withForest, {
      nodes: forest.nodes,
      depth: forest.depth,
      features,
      units,
      hardSigmoid: lstm.gate === 'hardSigmoid',
      x: x.subarray(0, forest.nodes * features),
      parent: forest.parent,
      levels: forest.levels,
      w: lstm.kernel,
      u: lstm.recurrentKernel,
      b: lstm.bias,
      h: h.subarray(0, forest.nodes * units),
    });
    const last = new Float32Array(fed.length * units);
    forest.ends.forEach((node, i) => last.set(h.subarray(node * units, (node + 1) * units), i * units));
    return tf.tidy(() => {
      let y: tf.Tensor = tf.tensor2d(last, [fed.length, units]);
      for (const layer of head) y = layer.apply(y, { training: false }) as tf.Tensor;
      return y.dataSync() as Float32Array;
    });
  };
}
