/** meta.json: what a saved model needs besides its weights to be used the way it was trained. */
import * as tf from '@tensorflow/tfjs';
import type { BatchingMode } from '../data/batches.ts';
import { CLEANING_VERSION } from '../data/clean.ts';
import { LABEL_NAMES } from '../data/labels.ts';
import { PACKAGE_VERSION } from '../version.ts';

export const META_FORMAT_VERSION = 1;

export interface ModelMeta {
  format_version: number;
  labels: number[];
  label_names: string[];
  /** Longest input the model takes; longer phrases are cut 'pre' as pad_sequences does. */
  max_len: number;
  batching: BatchingMode;
  cleaning_version: number;
  num_words: number;
  recurrent_activation: string;
  data_file: string;
  data_sha256: string;
  engine: string;
  package_version: string;
  tfjs_version: string;
  created: string;
}

export interface MetaInputs {
  maxLen: number;
  batching: BatchingMode;
  numWords: number;
  recurrentActivation: string;
  dataFile: string;
  dataSha256: string;
  engine: string;
}

/** meta.json for a model trained now, by this package, with the current cleaning rules. */
export function makeMeta(m: MetaInputs): ModelMeta {
  return {
    format_version: META_FORMAT_VERSION,
    labels: LABEL_NAMES.map((_, i) => i),
    label_names: [...LABEL_NAMES],
    max_len: m.maxLen,
    batching: m.batching,
    cleaning_version: CLEANING_VERSION,
    num_words: m.numWords,
    recurrent_activation: m.recurrentActivation,
    data_file: m.dataFile,
    data_sha256: m.dataSha256,
    engine: m.engine,
    package_version: PACKAGE_VERSION,
    tfjs_version: tf.version.tfjs,
    created: new Date().toISOString(),
  };
}
