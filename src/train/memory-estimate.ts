/**
 * What a run's settings need in memory, estimated before anything is allocated, so that a setting no
 * machine can hold is refused naming it (and what it would take) instead of failing deep inside the
 * engine with a RangeError after minutes and gigabytes.
 */
import { constants } from 'node:buffer';
import { totalmem } from 'node:os';
import { MAX_LEN_CAP } from '../data/prepare.ts';
import { SettingError } from '../errors.ts';
import { PRESET_TABLE } from '../presets.ts';
import { DEFAULT_SETTINGS, type RunSettings, type SettingKey } from '../settings.ts';

/** Vector size assumed for pretrained vectors before the file is read (GloVe's largest is 300). */
const VECTOR_DIM_BOUND = 300;
/** Classes assumed before the data says (the Kaggle file's five). */
const CLASSES = 5;
/** Float32 values: weights, their gradients and Adam's two moments for each trainable value. */
const BYTES_PER_WEIGHT = 4 * 4;
/** Float32 activations kept for the backward pass, and their gradients. */
const BYTES_PER_ACTIVATION = 4 * 2;

export interface MemoryEstimate {
  /** Everything at once: weights with their training state, and one batch's activations. */
  bytes: number;
  /** The largest single tensor (one typed array). */
  largest: number;
}

/** The settings the estimate reads. */
const SIZE_SETTINGS = [
  'maxWords',
  'embeddingDim',
  'units',
  'denseUnits',
  'batchSize',
  'maxLen',
  'vocabSize',
] as const satisfies readonly SettingKey[];

/** What training one sequence member with these settings needs (maxLen: the data's, or the cap until known). */
export function trainingMemory(s: RunSettings, classes = CLASSES): MemoryEstimate {
  const vectors = s.embeddings !== null || (PRESET_TABLE[s.preset].needs ?? []).includes('embeddings');
  const rows = vectors ? Math.max(s.maxWords, s.vocabSize) : s.maxWords;
  const dim = vectors ? Math.max(s.embeddingDim, VECTOR_DIM_BOUND) : s.embeddingDim;
  const directions = vectors && s.bidirectional ? 2 : 1;
  const steps = s.maxLen ?? MAX_LEN_CAP;
  const u = s.units;
  const lstm = directions * 4 * u * (dim + u + 1);
  const dense = directions * u * s.denseUnits + s.denseUnits + s.denseUnits * classes + classes;
  const weights = rows * dim + lstm + dense;
  // Per step: the embedded input, four gates, the cell and the output, each direction.
  const activations = s.batchSize * steps * (dim + directions * 6 * u) + s.batchSize * s.denseUnits;
  return {
    bytes: weights * BYTES_PER_WEIGHT + activations * BYTES_PER_ACTIVATION,
    largest: 4 * Math.max(rows * dim, 4 * u * (dim + u), directions * u * s.denseUnits, s.batchSize * steps * dim),
  };
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 1e10 ? 1 : 0)} GB`;

/**
 * Refuses settings whose estimate is past what the machine has (or one tensor past what one typed
 * array can hold), naming the setting that weighs most: the one whose default would shrink it most.
 */
export function checkTrainingMemory(
  s: RunSettings,
  opts: { classes?: number; available?: number; explicit?: ReadonlySet<SettingKey> } = {},
): void {
  const available = opts.available ?? totalmem();
  const need = trainingMemory(s, opts.classes);
  const overTotal = need.bytes > available;
  const overOne = need.largest > constants.MAX_LENGTH;
  if (!overTotal && !overOne) return;
  const measure = (e: MemoryEstimate) => (overTotal ? e.bytes : e.largest);
  let culprit: SettingKey = 'units';
  let best = -1;
  for (const k of SIZE_SETTINGS) {
    if (opts.explicit && !opts.explicit.has(k) && k !== 'maxLen') continue;
    const gain = measure(need) - measure(trainingMemory({ ...s, [k]: DEFAULT_SETTINGS[k] }, opts.classes));
    if (gain > best) {
      best = gain;
      culprit = k;
    }
  }
  const problem = overTotal
    ? `with these settings training needs about ${gb(need.bytes)} (weights, their gradients and Adam's moments, and one batch's activations); this machine has ${gb(available)}: choose a smaller value`
    : `makes one tensor of about ${gb(need.largest)}, past the ${gb(constants.MAX_LENGTH)} one array can hold: choose a smaller value`;
  throw new SettingError(culprit, problem, { given: String(s[culprit]) });
}
