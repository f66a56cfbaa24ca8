/**
 * Scoring a sequence member over prefix forests on the native kernel: each distinct phrase start runs
 * through the LSTM once, forward only (no dropout, nothing kept for a gradient). It covers both member
 * kinds: Embedding → dropouts → LSTM, or Bidirectional(LSTM) (the backward half over the forest of the
 * reversed phrases), returning the last step or every step, then any head of layers. The head runs
 * through tfjs on the LSTM's outputs, so the probabilities are the layers path's (to float rounding:
 * test/model/lstm/prefix-scoring.test.ts). Other models, and engines without the kernel, are scored
 * by the layers path.
 *
 * Bidirectional's halves, and each layer's first inbound node the head is rebuilt from, are read through
 * src/engine/patches/layers-internals.ts.
 */
import * as tf from '../../engine/tf.ts';
import {
  bidirectionalView,
  type ForestPass,
  type FusedLstmAddon,
  inboundNodes,
  writesInPlace,
} from '../../engine/speed-layer.ts';
import { runForwardTree, runForwardTreePair } from './kernels.ts';
import { FusedLSTM, type LstmInferenceWeights } from './layer.ts';
import { buildPrefixForest, type PrefixForest } from './prefix-forest.ts';
import { TableEmbedding } from '../table-embedding.ts';
import { readAndDispose } from '../tensor-data.ts';

/** Class probabilities (row-major [sequences, classes]) of token sequences exactly as they are fed. */
export type FedScorer = (fed: ReadonlyArray<ArrayLike<number>>) => Float32Array;

type Layer = tf.LayersModel['layers'][number];

const PASS_THROUGH = new Set(['SpatialDropout1D', 'Dropout']);

/** The recurrent layer's directions (forward first) and the native addon they were handed; null when one is not ours, has no addon, or the merge is not a concat. */
function directionsOf(layer: Layer): { directions: LstmInferenceWeights[]; addon: FusedLstmAddon } | null {
  if (layer instanceof FusedLSTM) {
    const addon = layer.speed?.native;
    const w = addon ? layer.inferenceWeights() : null;
    return addon && w && !w.goBackwards ? { directions: [w], addon } : null;
  }
  const bi = bidirectionalView(layer);
  if (bi?.mergeMode !== 'concat' || !(bi.forwardLayer instanceof FusedLSTM) || !(bi.backwardLayer instanceof FusedLSTM))
    return null;
  const addon = bi.forwardLayer.speed?.native;
  if (!addon || bi.backwardLayer.speed?.native !== addon) return null;
  const [f, b] = [bi.forwardLayer.inferenceWeights(), bi.backwardLayer.inferenceWeights()];
  return f && b && !f.goBackwards && b.goBackwards && f.returnSequences === b.returnSequences
    ? { directions: [f, b], addon }
    : null;
}

// Built once per model: rebuilding a head gives its layers another inbound node each time.
const heads = new WeakMap<tf.LayersModel, tf.LayersModel | null>();

/** The layers after `from` as a model of their own (same layers, same weights), or null if the graph is not a single path in from there. */
function headAfter(model: tf.LayersModel, layers: Layer[], from: number): tf.LayersModel | null {
  if (!heads.has(model)) heads.set(model, buildHead(model, layers, from));
  return heads.get(model) ?? null;
}

function buildHead(model: tf.LayersModel, layers: Layer[], from: number): tf.LayersModel | null {
  const first = (l: Layer) => inboundNodes(l)[0];
  const start = first(layers[from])?.outputTensors[0];
  if (!start || model.outputs.length !== 1) return null;
  const input = tf.input({ shape: start.shape.slice(1) });
  const replayed = new Map<tf.SymbolicTensor, tf.SymbolicTensor>([[start, input]]);
  for (const layer of layers.slice(from + 1)) {
    const node = first(layer);
    if (!node || inboundNodes(layer).length !== 1) return null;
    const ins = node.inputTensors.map((t) => replayed.get(t));
    if (ins.some((t) => t === undefined)) return null;
    const out = layer.apply(ins.length === 1 ? (ins[0] as tf.SymbolicTensor) : (ins as tf.SymbolicTensor[]));
    if (Array.isArray(out)) return null;
    replayed.set(node.outputTensors[0], out as tf.SymbolicTensor);
  }
  const output = replayed.get(model.outputs[0]);
  return output ? tf.model({ inputs: input, outputs: output }) : null;
}

/**
 * Where the layers after the LSTM begin with GlobalMaxPooling1D and GlobalAveragePooling1D of its
 * every-step output, concatenated (the member on vectors): the index of the Concatenate, after which
 * the head takes [rows, 2 × width]. Max and mean over a row's steps are over its path's nodes in any
 * order, so the forest gives them without laying out [rows, steps, width] for tfjs to pool.
 */
function pooledFrom(layers: Layer[], at: number): number | null {
  const [max, mean, concat] = layers.slice(at + 1, at + 4);
  if (
    max?.getClassName() !== 'GlobalMaxPooling1D' ||
    mean?.getClassName() !== 'GlobalAveragePooling1D' ||
    concat?.getClassName() !== 'Concatenate'
  )
    return null;
  const lstmOut = inboundNodes(layers[at])[0]?.outputTensors[0];
  const fed = (l: Layer) => inboundNodes(l)[0]?.inputTensors ?? [];
  const [maxOut, meanOut] = [max, mean].map((l) => inboundNodes(l)[0]?.outputTensors[0]);
  const joined = fed(concat);
  const axis = (concat.getConfig() as { axis?: number }).axis ?? -1;
  return lstmOut &&
    fed(max)[0] === lstmOut &&
    fed(mean)[0] === lstmOut &&
    joined.length === 2 &&
    joined[0] === maxOut &&
    joined[1] === meanOut &&
    (axis === -1 || axis === 1) &&
    [max, mean, concat].every((l) => inboundNodes(l).length === 1)
    ? at + 3
    : null;
}

/** The outputs kept from one forest to the next: fresh pages cost a fault each on first touch. */
interface Buffers {
  h: Float32Array;
}

/** One direction's forest of `seqs` and the pass over it, into a kept buffer (h's first nodes·units values). */
function directionPass(
  w: LstmInferenceWeights,
  vectors: Float32Array | Uint16Array,
  rows: number,
  seqs: ArrayLike<number>[],
  buffers: Buffers,
): { forest: PrefixForest; h: Float32Array; pass: ForestPass } {
  const forest = buildPrefixForest(seqs);
  const { features, units } = w;
  if (buffers.h.length < forest.nodes * units) buffers.h = new Float32Array(forest.nodes * units);
  const h = buffers.h.subarray(0, forest.nodes * units);
  // The addon gathers each level's rows of the table itself: [nodes, features] inputs never exist at once.
  const pass: ForestPass = {
    nodes: forest.nodes,
    depth: forest.depth,
    features,
    units,
    hardSigmoid: w.gate === 'hardSigmoid',
    rows,
    table: vectors,
    tokens: forest.tokens,
    parent: forest.parent,
    levels: forest.levels,
    w: w.kernel,
    u: w.recurrentKernel,
    b: w.bias,
    h,
  };
  return { forest, h, pass };
}

/** A scorer over prefix forests for `model`, or null when the model (or the speed layer it was handed) does not allow one. */
export function prefixTreeScorer(model: tf.LayersModel): FedScorer | null {
  if (model.inputs.length !== 1) return null;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const at = layers.findIndex((l) => l instanceof FusedLSTM || l.getClassName() === 'Bidirectional');
  if (at < 1) return null;
  const [embedding, ...between] = layers.slice(0, at);
  const outside = embedding instanceof TableEmbedding;
  if (!outside && (embedding.getClassName() !== 'Embedding' || embedding.getConfig().maskZero === true)) return null;
  if (!between.every((l) => PASS_THROUGH.has(l.getClassName()))) return null;
  const found = directionsOf(layers[at]);
  if (!found) return null;
  const { directions, addon } = found;
  const [table] = outside ? [] : embedding.getWeights();
  const [rows, dims] = outside ? [embedding.inputDim, embedding.outputDim] : table.shape;
  if ((!outside && table.rank !== 2) || directions.some((d) => d.features !== dims)) return null;
  const pooled = directions[0].returnSequences ? pooledFrom(layers, at) : null;
  const head = headAfter(model, layers, pooled ?? at);
  if (!head) return null;
  // A table outside the backend is read where it is (float16 bits too: the addon widens the rows it
  // reads); one inside is copied out once.
  const vectors = outside ? embedding.storedTable : (table.dataSync() as Float32Array);
  const sequences = directions[0].returnSequences;
  const width = directions.reduce((n, d) => n + d.units, 0);
  const buffers: Buffers[] = directions.map(() => ({ h: new Float32Array(0) }));
  const pool = { y: new Float32Array(0) };

  return (fed) => {
    const runs = directions.map((w, d) => ({
      w,
      ...directionPass(
        w,
        vectors,
        rows,
        w.goBackwards ? fed.map((s) => Array.from(s).reverse()) : Array.from(fed),
        buffers[d],
      ),
    }));
    if (runs.length === 2) runForwardTreePair(addon, runs[0].pass, runs[1].pass);
    else for (const run of runs) runForwardTree(addon, run.pass);
    if (pooled !== null) {
      // Kept from forest to forest too: 8 MB of fresh pages for 4,096 rows took ~100 ms a member on a VM.
      if (pool.y.length < fed.length * 2 * width) pool.y = new Float32Array(fed.length * 2 * width);
      return poolAndHead(addon, head, runs, pool.y.subarray(0, fed.length * 2 * width), width);
    }
    // Each row's outputs, time-aligned as tfjs lays them out: forward then backward units, per step.
    const stepsOf = (i: number) => (sequences ? fed[i].length : 1);
    const fill = (i: number, out: Float32Array, at0: number) => {
      const steps = fed[i].length;
      let offset = 0;
      for (const { w, forest, h } of runs) {
        const put = (node: number, t: number) =>
          out.set(h.subarray(node * w.units, (node + 1) * w.units), at0 + t * width + offset);
        if (!sequences) put(forest.ends[i], 0);
        else {
          // Back from the row's last node: the node at depth d has read d+1 tokens. The backward half's
          // output at time t has read tokens T-1 … t: depth T-1-t of the reversed path.
          for (let n = forest.ends[i], d = steps - 1; d >= 0; n = forest.parent[n], d--)
            put(n, w.goBackwards ? steps - 1 - d : d);
        }
        offset += w.units;
      }
    };
    // Rows of one length together: the head takes [rows, steps, width] (or [rows, width]).
    const byLength = new Map<number, number[]>();
    fed.forEach((_, i) => {
      const key = stepsOf(i);
      byLength.get(key)?.push(i) ?? byLength.set(key, [i]);
    });
    let probs: Float32Array | null = null;
    for (const [steps, group] of byLength) {
      const y = new Float32Array(group.length * steps * width);
      group.forEach((row, j) => fill(row, y, j * steps * width));
      const p = readAndDispose(
        tf.tidy(() => {
          const input = sequences
            ? tf.tensor3d(y, [group.length, steps, width])
            : tf.tensor2d(y, [group.length, width]);
          return head.apply(input, { training: false }) as tf.Tensor;
        }),
      );
      const k = p.length / group.length;
      probs ??= new Float32Array(fed.length * k);
      group.forEach((row, j) => probs?.set(p.subarray(j * k, (j + 1) * k), row * k));
    }
    return probs ?? new Float32Array(0);
  };
}

interface DirectionRun {
  w: LstmInferenceWeights;
  forest: PrefixForest;
  h: Float32Array;
}

/**
 * [max over steps, mean over steps] of every row's outputs (forward then backward units in each, as
 * tfjs concatenates them) into y [rows, 2 × width], every value written, then the head. A row's steps
 * are the nodes on its forest path.
 */
function poolAndHead(
  addon: FusedLstmAddon,
  head: tf.LayersModel,
  runs: DirectionRun[],
  y: Float32Array,
  width: number,
): Float32Array {
  const rows = y.length / (2 * width);
  let offset = 0;
  for (const { w, forest, h } of runs) {
    addon.poolPaths({
      nodes: forest.nodes,
      units: w.units,
      rows,
      width,
      offset,
      h: h.subarray(0, forest.nodes * w.units),
      parent: forest.parent,
      ends: forest.ends,
      out: y,
    });
    offset += w.units;
  }
  return readAndDispose(tf.tidy(() => head.apply(tf.tensor2d(y, [rows, 2 * width]), { training: false }) as tf.Tensor));
}

/** Each model's scorer, with the weights it copied: a scorer copies the embedding table and the LSTM's weights. */
const scorers = new WeakMap<tf.LayersModel, { stamp: unknown[]; scorer: FedScorer | null }>();

/** What the scorer was made from: each variable's data (and its writes in place), and each LSTM's speed layer. */
function weightsStamp(model: tf.LayersModel): unknown[] {
  const speeds = model.layers.flatMap((l) => {
    const bi = bidirectionalView(l);
    return [l, bi?.forwardLayer, bi?.backwardLayer].map((x) => (x instanceof FusedLSTM ? x.speed : null));
  });
  return [
    ...speeds,
    ...model.weights.flatMap((w) => {
      const { dataId } = w.read();
      return [dataId, writesInPlace(dataId)];
    }),
  ];
}

/**
 * prefixTreeScorer, made once per model and weights: a forward pass of one text no longer copies the
 * embedding table (8 MB for the seed) and the LSTM's weights each time. Training changes the weights
 * (a new tensor, or a write in place): the next call makes a new scorer.
 */
export function cachedPrefixTreeScorer(model: tf.LayersModel): FedScorer | null {
  return cachedScorer(model);
}

/**
 * Lets go of `model`'s cached scorer (its copy of the embedding table and its forest buffers, ~40 MB
 * for the seed): training calls it after each validation, since the next batch makes the copy stale.
 */
export function forgetPrefixTreeScorer(model: tf.LayersModel): void {
  if (scorers.get(model)?.scorer) {
    const lstm = model.layers.find((l) => l instanceof FusedLSTM || l.getClassName() === 'Bidirectional');
    if (lstm) directionsOf(lstm)?.addon.releaseTreeMemory();
  }
  scorers.delete(model);
}

function cachedScorer(model: tf.LayersModel): FedScorer | null {
  const stamp = weightsStamp(model);
  const hit = scorers.get(model);
  if (hit && hit.stamp.length === stamp.length && hit.stamp.every((x, i) => x === stamp[i])) return hit.scorer;
  const scorer = prefixTreeScorer(model);
  scorers.set(model, { stamp, scorer });
  return scorer;
}
