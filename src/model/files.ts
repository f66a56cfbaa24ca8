/**
 * The files of a model directory, one format each: model.json + weights.bin (tfjs layers format,
 * loadable by tf.loadLayersModel), tokenizer.json (Keras format), and JSON records.
 * Written without tfjs-node's file:// handler, which is not there when tfjs-node is not.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Tokenizer } from '../data/tokenizer.ts';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { readBinaryFile, readJsonFile, readTextFile } from '../fs/read.ts';

export const MODEL_FILES = {
  model: 'model.json',
  weights: 'weights.bin',
  tokenizer: 'tokenizer.json',
  meta: 'meta.json',
  history: 'history.json',
} as const;

interface ModelJson {
  modelTopology: tf.io.ModelArtifacts['modelTopology'];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: tf.io.TrainingConfig;
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** model.json and weights.bin in the layout tfjs-node's `file://` handler writes. */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
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

export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const modelPath = join(dir, MODEL_FILES.model);
  const json = await readJsonFile<ModelJson>(modelPath);
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new InputError('not a tfjs layers model (no modelTopology / weightsManifest)', { file: modelPath });
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(json as tf.io.ModelJSON, async (manifest) => {
    const specs = manifest.flatMap((g) => g.weights);
    const buffers = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => readBinaryFile(join(dir, p))));
    return [specs, checkedWeightData(buffers, specs, join(dir, manifest[0]?.paths[0] ?? MODEL_FILES.weights), MODEL_FILES.model)];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

/** The weight files' bytes as one buffer, refused unless their length is what the specs declare. */
export function checkedWeightData(buffers: Buffer[], specs: tf.io.WeightsManifestEntry[], file: string, declaredIn: string): ArrayBuffer {
  const joined = Buffer.concat(buffers);
  const expected = specs.reduce((n, s) => n + tf.util.sizeFromShape(s.shape) * tf.util.bytesPerElement(s.dtype), 0);
  if (joined.byteLength !== expected) {
    throw new InputError(`has ${joined.byteLength} bytes, ${declaredIn} declares ${expected} (truncated or from another model)`, { file });
  }
  return joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
}

export async function saveTokenizer(tokenizer: Tokenizer, dir: string): Promise<void> {
  await writeFileAtomic(join(dir, MODEL_FILES.tokenizer), tokenizer.toJsonString());
}

export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const path = join(dir, MODEL_FILES.tokenizer);
  const text = await readTextFile(path);
  try {
    return Tokenizer.fromKerasJson(text);
  } catch (err) {
    throw new InputError((err as Error).message, { file: path });
  }
}

export async function saveJson(dir: string, name: string, value: unknown): Promise<void> {
  await writeFileAtomic(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}
