/** meta.json: what a saved model needs besides its weights to be used the way it was trained. */
import type { BatchingMode } from '../data/batches.ts';

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
