/**
 * model.json + weights.bin: the tfjs layers format (loadable by tf.loadLayersModel), written without
 * tfjs-node's file:// handler, which is not there when tfjs-node is not. Every check names the file.
 */
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import * as tf from '../engine/tf.ts';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { readBinaryFile, readJsonFile } from '../fs/read.ts';
import { MODEL_FILES } from './files.ts';
import { registerFusedLstm } from './lstm/layer.ts';
import { halvesFinite, toHalves } from './float16.ts';
import type { Quantization } from './member.ts';
import { storedBytes, withOutsideTable, withTableInside } from './table-embedding.ts';

interface ModelJson {
  modelTopology: tf.io.ModelArtifacts['modelTopology'];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: tf.io.TrainingConfig;
  weightsManifest: tf.io.WeightsManifestConfig;
}

export interface SaveOptions {
  /**
   * Store float32 weights quantized as tfjs' weightsManifest says (tfjs decodes them itself): float16,
   * half the bytes (a weight past float16's range stays float32); uint8, a quarter, each weight's
   * values on 256 even steps between its least and greatest.
   */
  quantize?: Quantization | null;
}

/** model.json and weights.bin in the layout tfjs-node's `file://` handler writes. */
export async function saveLayersModel(model: tf.LayersModel, dir: string, opts: SaveOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const ours = withTableInside(
        model,
        artifacts,
        artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
      );
      const { specs, weightData } = opts.quantize
        ? quantized(ours.artifacts.weightSpecs ?? [], ours.weightData, opts.quantize)
        : { specs: ours.artifacts.weightSpecs, weightData: ours.weightData };
      artifacts = { ...ours.artifacts, weightSpecs: specs };
      const json: ModelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        weightsManifest: [{ paths: [`./${MODEL_FILES.weights}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(join(dir, MODEL_FILES.weights), new Uint8Array(weightData));
      await writeFileAtomic(join(dir, MODEL_FILES.model), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

export interface LoadOptions {
  /** Keep the Embedding's table out of the backend (table-embedding.ts): for a model scored through prefix forests. */
  tableOutside?: boolean;
}

export async function loadLayersModel(dir: string, opts: LoadOptions = {}): Promise<tf.LayersModel> {
  const modelPath = join(dir, MODEL_FILES.model);
  const json = await readJsonFile<ModelJson>(modelPath);
  const bad = (what: string) => new InputError(what, { file: modelPath });
  if (
    json === null ||
    typeof json !== 'object' ||
    !json.modelTopology ||
    typeof json.modelTopology !== 'object' ||
    !Array.isArray(json.weightsManifest)
  ) {
    throw bad('not a tfjs layers model (no modelTopology / weightsManifest)');
  }
  const manifest = json.weightsManifest;
  if (
    manifest.length === 0 ||
    !manifest.every((g) => Array.isArray(g?.paths) && g.paths.length > 0 && Array.isArray(g.weights))
  )
    throw bad('its weightsManifest lists no weight files');
  for (const p of manifest.flatMap((g) => g.paths)) {
    // Weight files live in the model directory: a path out of it is not one to follow.
    if (typeof p !== 'string' || isAbsolute(p) || normalize(p).split(/[\\/]/).includes('..'))
      throw bad(`weightsManifest path ${JSON.stringify(p)} points outside the model directory`);
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(json as tf.io.ModelJSON, async (m) => {
    const specs = m.flatMap((g) => g.weights);
    const buffers = await Promise.all(m.flatMap((g) => g.paths).map((p) => readBinaryFile(join(dir, p))));
    const file = join(dir, m[0]?.paths[0] ?? MODEL_FILES.weights);
    const data = checkedWeightData(buffers, specs, file, MODEL_FILES.model);
    checkFinite(data, specs, file);
    return [specs, data];
  });
  registerFusedLstm();
  try {
    const { artifacts: fed, attach } = opts.tableOutside
      ? withOutsideTable(artifacts)
      : { artifacts, attach: () => undefined };
    const model = await tf.loadLayersModel(tf.io.fromMemory(fed));
    attach(model);
    return model;
  } catch (err) {
    // tfjs' own words: a layer missing, weights of the wrong shape, a topology it cannot build.
    throw bad(`is not a model tfjs can build from its weights (${(err as Error).message.split('\n')[0]})`);
  }
}

/** The weight files' bytes as one buffer, refused unless their length is what the specs declare. */
export function checkedWeightData(
  buffers: Buffer[],
  specs: tf.io.WeightsManifestEntry[],
  file: string,
  declaredIn: string,
): ArrayBuffer {
  const bytes = buffers.reduce((n, b) => n + b.byteLength, 0);
  const expected = specs.reduce((n, s) => n + storedBytes(s), 0);
  if (bytes !== expected) {
    throw new InputError(`has ${bytes} bytes, ${declaredIn} declares ${expected} (truncated or from another model)`, {
      file,
    });
  }
  // One file read whole already owns its memory: no copy of the 10 MB.
  const own = buffers.length === 1 ? buffers[0].buffer : null;
  if (own instanceof ArrayBuffer && buffers[0].byteOffset === 0 && own.byteLength === bytes) return own;
  const joined = Buffer.concat(buffers);
  return joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
}

/**
 * Whether every float32 (given as its bits) is finite: exponent bits not all ones. As integers, not as
 * floats: `best`'s 51M weights are read once at 4 bytes each either way, and this is the cheaper test.
 */
export function floatsFinite(bits: Uint32Array): boolean {
  for (let i = 0; i < bits.length; i++) if ((bits[i] & 0x7f800000) === 0x7f800000) return false;
  return true;
}

/** A diverged run's weights (NaN, infinite) would turn every text into NaN probabilities. */
function checkFinite(data: ArrayBuffer, specs: tf.io.WeightsManifestEntry[], file: string): void {
  let offset = 0;
  for (const s of specs) {
    const n = tf.util.sizeFromShape(s.shape);
    if (s.quantization?.dtype === 'float16') {
      if (!halvesFinite(new Uint16Array(data, offset, n)))
        throw new InputError(
          `holds a weight that is not a finite number (${s.name}): the model was saved from a training run that diverged; train it again`,
          { file },
        );
    } else if (s.quantization) {
      // uint8/uint16 with a finite scale and min: every value is finite.
    } else if ((s.dtype === 'float32' || s.dtype === undefined) && !floatsFinite(new Uint32Array(data, offset, n))) {
      throw new InputError(
        `holds a weight that is not a finite number (${s.name}): the model was saved from a training run that diverged; train it again`,
        { file },
      );
    }
    offset += storedBytes(s);
  }
}

/**
 * Every float32 weight stored as `kind`, unless its values cannot be (past float16's range, or not
 * finite to begin with): it then stays float32.
 */
function quantized(
  specs: tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
  kind: Quantization,
): { specs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const parts: Uint8Array[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const s of specs) {
    const at = offset;
    offset += storedBytes(s);
    const plain = (s.dtype ?? 'float32') === 'float32' && !s.quantization && at % 4 === 0;
    const done = plain
      ? (kind === 'float16' ? toFloat16 : toUint8)(new Float32Array(data, at, (offset - at) / 4))
      : null;
    if (done) {
      parts.push(done.bytes);
      out.push({ ...s, quantization: done.quantization });
    } else {
      parts.push(new Uint8Array(data, at, offset - at));
      out.push(s);
    }
  }
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.byteLength;
  }
  return { specs: out, weightData: joined.buffer };
}

interface Quantized {
  bytes: Uint8Array;
  quantization: NonNullable<tf.io.WeightsManifestEntry['quantization']>;
}

function toFloat16(values: Float32Array): Quantized | null {
  const halves = toHalves(values);
  return halvesFinite(halves) ? { bytes: new Uint8Array(halves.buffer), quantization: { dtype: 'float16' } } : null;
}

/** tfjs reads a uint8 weight back as q · scale + min (io_utils decodeWeights, 4.22). */
function toUint8(values: Float32Array): Quantized | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  // One value throughout: every step lands on it.
  const scale = max > min ? (max - min) / 255 : 1;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.min(255, Math.max(0, Math.round((values[i] - min) / scale)));
  return { bytes, quantization: { dtype: 'uint8', min, scale } };
}
