/**
 * An Embedding whose table stays where the weights file put it, in JavaScript memory, instead of in
 * the backend: for a member scored through prefix forests, which read the table themselves
 * (prefix-scoring.ts). Loading a model that way skips tfjs' work on the largest weight by far — a
 * zero-filled table, a copy of the file's bytes, their upload — 97% of a `best` fold model's bytes and
 * most of its cold `predict`. The layer still answers as an Embedding if called (it uploads its table
 * then), and saving writes an ordinary Embedding back, with the same bytes.
 *
 * loadLayersModel applies it (withOutsideTable) and saveLayersModel undoes it (withTableInside), on
 * the tfjs layers JSON: only there, so the model's own format never changes.
 */
import * as tf from '../engine/tf.ts';
import { fromHalves } from './float16.ts';

/** Bytes a weight takes in the weights file: its quantized form's where it has one. */
export function storedBytes(s: tf.io.WeightsManifestEntry): number {
  const q = s.quantization?.dtype;
  const each = q === undefined ? tf.util.bytesPerElement(s.dtype ?? 'float32') : q === 'uint8' ? 1 : 2;
  return tf.util.sizeFromShape(s.shape) * each;
}

interface TableEmbeddingArgs {
  inputDim: number;
  outputDim: number;
  name?: string;
  trainable?: boolean;
  batchInputShape?: (number | null)[];
  inputShape?: (number | null)[];
  inputLength?: number | number[] | null;
  dtype?: tf.DataType;
}

/** The weights manifest entry, values and layers-JSON entry of a table taken out of a model's files. */
interface OutsideTable {
  /** Float32, as tfjs holds weights; for a float16 table, widened when first asked for. */
  values: Float32Array | null;
  /** A float16 table's bits as the file holds them (the forest pass widens the rows it reads). */
  halves: Uint16Array | null;
  /** The Embedding's entry in the layers JSON, as it was. */
  layerJson: LayerJson;
  spec: tf.io.WeightsManifestEntry;
  /** Its place among the weights manifest's entries. */
  index: number;
}

export class TableEmbedding extends tf.layers.Layer {
  static className = 'SentimentTableEmbedding';
  readonly inputDim: number;
  readonly outputDim: number;
  /** Set by withOutsideTable's loader before anything runs. */
  outside: OutsideTable | null = null;
  private uploaded: tf.Tensor2D | null = null;

  constructor(args: TableEmbeddingArgs) {
    const { inputLength, ...rest } = args;
    // As Embedding: an input length alone gives the batch input shape.
    const batchInputShape =
      args.batchInputShape ??
      (args.inputShape == null && inputLength != null ? [null, ...[inputLength].flat()] : undefined);
    super({
      name: rest.name,
      trainable: rest.trainable,
      batchInputShape,
      inputShape: rest.inputShape,
      dtype: rest.dtype,
    });
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
  }

  /** The table, row-major [inputDim, outputDim]. */
  get table(): Float32Array {
    const outside = this.outsideTable();
    outside.values ??= fromHalves(outside.halves as Uint16Array);
    return outside.values;
  }

  /**
   * The table as loaded: a float16 file's bits, never widened whole (40 MB of fresh pages for 100,000
   * words of 100 dimensions, a sixth of a student's cold start) unless something asked for `table`;
   * else float32.
   */
  get storedTable(): Float32Array | Uint16Array {
    const outside = this.outsideTable();
    return outside.values ?? (outside.halves as Uint16Array);
  }

  private outsideTable(): OutsideTable {
    if (!this.outside) throw new Error(`${this.name}: a table embedding used before its table was set`);
    return this.outside;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape, this.outputDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!this.uploaded) this.uploaded = tf.keep(tf.tensor2d(this.table, [this.inputDim, this.outputDim]));
      return tf.gather(this.uploaded, x.dtype === 'int32' ? x : tf.cast(x, 'int32'));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim };
  }

  override dispose(): ReturnType<InstanceType<typeof tf.layers.Layer>['dispose']> {
    this.uploaded?.dispose();
    this.uploaded = null;
    return super.dispose();
  }
}

let registered = false;
function register(): void {
  if (!registered) tf.serialization.registerClass(TableEmbedding);
  registered = true;
}

interface LayerJson {
  class_name: string;
  config: { name?: string; input_dim?: number; output_dim?: number; mask_zero?: boolean | null };
  [key: string]: unknown;
}

function topLayers(topology: tf.io.ModelArtifacts['modelTopology']): LayerJson[] | null {
  const layers = (topology as { config?: { layers?: unknown } } | undefined)?.config?.layers;
  return Array.isArray(layers) ? (layers as LayerJson[]) : null;
}

/**
 * The artifacts with their (first, top-level, unmasked) Embedding's table taken out of the weights and
 * the layer made a TableEmbedding; `attach` gives the loaded model's layer its table. Unchanged (and
 * attach a no-op) for a model without such a layer.
 */
export function withOutsideTable(artifacts: tf.io.ModelArtifacts): {
  artifacts: tf.io.ModelArtifacts;
  attach: (model: tf.LayersModel) => void;
} {
  const unchanged = { artifacts, attach: () => undefined };
  const layers = topLayers(artifacts.modelTopology);
  const at = layers?.findIndex((l) => l.class_name === 'Embedding') ?? -1;
  const specs = artifacts.weightSpecs;
  const data = artifacts.weightData;
  if (!layers || at < 0 || !specs || !(data instanceof ArrayBuffer)) return unchanged;
  const layerJson = layers[at];
  const { name, input_dim: rows, output_dim: dims, mask_zero: maskZero } = layerJson.config;
  const index = specs.findIndex((s) => s.name === `${name}/embeddings`);
  const spec = specs[index];
  const half = spec?.quantization?.dtype === 'float16';
  if (
    maskZero ||
    index < 0 ||
    (spec.dtype ?? 'float32') !== 'float32' ||
    (spec.quantization && !half) ||
    spec.shape.join() !== `${rows},${dims}`
  )
    return unchanged;
  const start = specs.slice(0, index).reduce((n, s) => n + storedBytes(s), 0);
  const end = start + storedBytes(spec);
  if (start % (half ? 2 : 4) !== 0) return unchanged;
  // Float16 tables are widened as tfjs would widen them, when first needed whole.
  const values = half ? null : new Float32Array(data, start, (end - start) / 4);
  const halves = half ? new Uint16Array(data, start, (end - start) / 2) : null;
  // The other weights, a few MB at most, in a buffer of their own.
  const rest = new Uint8Array(data.byteLength - (end - start));
  rest.set(new Uint8Array(data, 0, start));
  rest.set(new Uint8Array(data, end), start);
  const outside: OutsideTable = { values, halves, layerJson, spec, index };
  register();
  const topology = structuredClone(artifacts.modelTopology) as tf.io.ModelArtifacts['modelTopology'];
  const patched = topLayers(topology) as LayerJson[];
  patched[at] = { ...layerJson, class_name: TableEmbedding.className };
  return {
    artifacts: {
      ...artifacts,
      modelTopology: topology,
      weightSpecs: specs.filter((_, i) => i !== index),
      weightData: rest.buffer,
    },
    attach: (model) => {
      for (const l of model.layers) if (l instanceof TableEmbedding && l.name === name) l.outside = outside;
    },
  };
}

/** What saving `model` writes: its table embeddings made ordinary Embeddings again, with their tables in the weights, where they were. */
export function withTableInside(
  model: tf.LayersModel,
  artifacts: tf.io.ModelArtifacts,
  weightData: ArrayBuffer,
): { artifacts: tf.io.ModelArtifacts; weightData: ArrayBuffer } {
  const tables = model.layers.filter((l): l is TableEmbedding => l instanceof TableEmbedding);
  const layers = topLayers(artifacts.modelTopology);
  const specs = artifacts.weightSpecs;
  if (tables.length === 0 || !layers || !specs) return { artifacts, weightData };
  let outSpecs = [...specs];
  let bytes = new Uint8Array(weightData);
  const topology = structuredClone(artifacts.modelTopology) as tf.io.ModelArtifacts['modelTopology'];
  const outLayers = topLayers(topology) as LayerJson[];
  for (const layer of tables) {
    const { outside } = layer;
    const at = outLayers.findIndex((l) => l.class_name === TableEmbedding.className && l.config.name === layer.name);
    if (!outside || at < 0) throw new Error(`${layer.name}: a table embedding without its table cannot be saved`);
    outLayers[at] = outside.layerJson;
    const offset = outSpecs.slice(0, outside.index).reduce((n, s) => n + storedBytes(s), 0);
    const values = layer.table;
    const table = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const joined = new Uint8Array(bytes.byteLength + table.byteLength);
    joined.set(bytes.subarray(0, offset));
    joined.set(table, offset);
    joined.set(bytes.subarray(offset), offset + table.byteLength);
    bytes = joined;
    // The table as it is held: float32 (saving float16 quantizes it again).
    const { quantization: _, ...plain } = outside.spec;
    outSpecs = [...outSpecs.slice(0, outside.index), plain, ...outSpecs.slice(outside.index)];
  }
  return { artifacts: { ...artifacts, modelTopology: topology, weightSpecs: outSpecs }, weightData: bytes.buffer };
}
