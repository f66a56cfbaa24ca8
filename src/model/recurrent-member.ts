/**
 * A member fed token sequences: its Keras tokenizer, its layers model (the seed recipe's LSTM, or
 * the bidirectional LSTM on pretrained vectors), and how texts are fed to it (cut to maxLen, grouped
 * by length or pre-padded). A phrase is never padded to fit its batch-mates, so its probabilities do
 * not depend on them.
 */
import { join } from 'node:path';
import * as tf from '../engine/tf.ts';
import { encodeBatch, groupLength, scoreInBatches, type Batch } from '../data/batches.ts';
import { padSequence } from '../data/padding.ts';
import { toSequences, wordsRead, type EncodedTexts } from '../data/encode.ts';
import { range } from '../data/split.ts';
import type { Tokenizer } from '../data/tokenizer.ts';
import { InputError } from '../errors.ts';
import { PREDICT_BATCH_SIZE } from '../settings.ts';
import { loadTokenizer, MODEL_FILES, saveTokenizer } from './files.ts';
import { loadLayersModel, saveLayersModel } from './layers-files.ts';
import { TableEmbedding } from './table-embedding.ts';
import { readAndDispose } from './tensor-data.ts';
import type {
  Member,
  MemberOutput,
  PredictOptions,
  SaveMemberOptions,
  SequenceEntry,
  SequenceInput,
} from './member.ts';

export type { SequenceInput };
import { useSpeedLayer } from './lstm/layer.ts';
import { cachedPrefixTreeScorer, type FedScorer } from './lstm/prefix-scoring.ts';

export { forgetPrefixTreeScorer } from './lstm/prefix-scoring.ts';
import type { SpeedLayer } from '../engine/speed-layer.ts';

export const DEFAULT_BATCH_SIZE = PREDICT_BATCH_SIZE;

export class RecurrentMember implements Member {
  constructor(
    readonly model: tf.LayersModel,
    readonly tokenizer: Tokenizer,
    readonly input: SequenceInput,
    readonly kind: SequenceEntry['kind'] = 'lstm',
  ) {}

  get maxLen(): number {
    return this.input.maxLen;
  }

  get numClasses(): number {
    const shape = this.model.outputs[0].shape;
    return shape[shape.length - 1] as number;
  }

  encode(cleaned: ReadonlyArray<string>): EncodedTexts {
    return toSequences(cleaned, this.tokenizer, this.input.maxLen);
  }

  /** The words holding its last maxLen tokens. */
  wordsRead(words: ReadonlyArray<string>): number[] | null {
    return wordsRead(words, this.tokenizer, this.input.maxLen);
  }

  /** Probabilities of already-encoded sequences, in their order. */
  predictSequences(sequences: ReadonlyArray<ArrayLike<number>>, opts: PredictOptions = {}): Float32Array {
    return predictRows(
      this.model,
      sequences,
      range(0, sequences.length),
      { ...this.input, batchSize: opts.batchSize ?? DEFAULT_BATCH_SIZE },
      opts.onProgress,
    );
  }

  predict(cleaned: ReadonlyArray<string>, opts: PredictOptions = {}): MemberOutput {
    const { sequences, truncated } =
      opts.split?.cleaned === cleaned ? opts.split.sequences(this.tokenizer, this.input.maxLen) : this.encode(cleaned);
    return { probabilities: this.predictSequences(sequences, opts), truncated };
  }

  async save(dir: string, opts: SaveMemberOptions = {}): Promise<string[]> {
    await saveLayersModel(this.model, dir, { quantize: opts.quantize });
    await saveTokenizer(opts.compactTokenizer ? this.tokenizer.compact() : this.tokenizer, dir);
    return [MODEL_FILES.model, MODEL_FILES.weights, MODEL_FILES.tokenizer];
  }

  entry(path: string): SequenceEntry {
    return { kind: this.kind, path, max_len: this.input.maxLen, batching: this.input.batching };
  }

  dispose(): void {
    this.model.dispose();
  }

  /** Loads model.json, its weights and tokenizer.json from `dir`; checks the tokenizer fits the embedding. */
  static async load(
    dir: string,
    input: SequenceInput | ((model: tf.LayersModel) => SequenceInput),
    kind: SequenceEntry['kind'] = 'lstm',
    speed: SpeedLayer | null = null,
  ): Promise<RecurrentMember> {
    const tokenizer = await loadTokenizer(dir);
    // Scored through prefix forests on the native kernel, which reads the table where the file put it.
    const model = await loadLayersModel(dir, { tableOutside: speed?.native != null });
    useSpeedLayer(model, speed);
    try {
      checkVocabularyFits(tokenizer, model, dir);
      const fed = typeof input === 'function' ? input(model) : input;
      const steps = model.inputs[0]?.shape[1];
      if (fed.batching === 'max' && typeof steps === 'number' && steps !== fed.maxLen) {
        throw new InputError(
          `takes ${steps} time steps, but the model was trained on inputs padded to ${fed.maxLen} (meta.json max_len): the files do not belong together`,
          { file: join(dir, MODEL_FILES.model) },
        );
      }
      return new RecurrentMember(model, tokenizer, fed, kind);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }
}

/** Every index the tokenizer can produce must have an embedding row. */
function checkVocabularyFits(tokenizer: Tokenizer, model: tf.LayersModel, dir: string): void {
  const file = join(dir, MODEL_FILES.tokenizer);
  const { largest, invalid } = tokenizer.indexRange();
  if (invalid)
    throw new InputError(
      `word_index gives "${invalid[0]}" the index ${JSON.stringify(invalid[1])}; indices are whole numbers from 1`,
      { file },
    );
  const embedding = model.layers.find((l) => l.getClassName() === 'Embedding' || l instanceof TableEmbedding);
  const inputDim = embedding?.getConfig().inputDim;
  if (typeof inputDim !== 'number') return;
  // A declared num_words larger than the embedding means the two files do not belong together.
  const rowsNeeded = tokenizer.numWords ?? largest + 1;
  if (rowsNeeded > inputDim) {
    throw new InputError(
      `num_words ${tokenizer.numWords ?? `(all ${tokenizer.wordIndex.size} words)`} does not fit the model's embedding of ${inputDim} rows`,
      {
        file: join(dir, MODEL_FILES.tokenizer),
      },
    );
  }
}

/** Class probabilities of one batch, row-major [rows, classes]. */
function predictBatch(model: tf.LayersModel, seqs: ReadonlyArray<ArrayLike<number>>, batch: Batch): Float32Array {
  return readAndDispose(
    tf.tidy(() => {
      const x = tf.tensor2d(encodeBatch(seqs, batch), [batch.rows.length, batch.length], 'int32');
      return model.predictOnBatch(x) as tf.Tensor;
    }),
  );
}

/**
 * Rows per prefix forest: in input order, so a sentence's phrases share one forest. 4,096 rows of
 * this data make ~14,000 nodes; twice that scored no faster and raised a training run's peak RSS by
 * ~85 MB (641 vs 557 MB for one epoch; a submission 465 vs 398 MB).
 */
export const FOREST_ROWS = 4096;

/**
 * Probabilities of the sequences at `rows`, in that order (row-major [rows.length, classes]), fed as
 * the model was trained. Training's validation and prediction both come through here: over prefix
 * forests where the engine and the model allow (prefix-scoring.ts), else batch by batch.
 */
export function predictRows(
  model: tf.LayersModel,
  seqs: ReadonlyArray<ArrayLike<number>>,
  rows: Int32Array,
  opts: SequenceInput & { batchSize: number },
  onProgress?: (done: number, total: number) => void,
): Float32Array {
  const scorer = rows.length > 0 ? cachedPrefixTreeScorer(model) : null;
  if (scorer) return predictRowsByForest(scorer, seqs, rows, opts, onProgress);
  return scoreInBatches(
    seqs,
    rows,
    { mode: opts.batching, batchSize: opts.batchSize, maxLen: opts.maxLen },
    (batch) => predictBatch(model, seqs, batch),
    onProgress,
  );
}

/** Each row as the layers path feeds it: cut to maxLen, then pre-padded to its group's or to maxLen. */
function fedSequence(seq: ArrayLike<number>, opts: SequenceInput): Int32Array {
  return padSequence(seq, { maxLen: opts.batching === 'max' ? opts.maxLen : groupLength(seq, opts.maxLen) });
}

function predictRowsByForest(
  scorer: FedScorer,
  seqs: ReadonlyArray<ArrayLike<number>>,
  rows: Int32Array,
  opts: SequenceInput,
  onProgress?: (done: number, total: number) => void,
): Float32Array {
  let out: Float32Array | null = null;
  for (let start = 0; start < rows.length; start += FOREST_ROWS) {
    const part = rows.subarray(start, Math.min(rows.length, start + FOREST_ROWS));
    const probs = scorer(Array.from(part, (r) => fedSequence(seqs[r], opts)));
    const k = probs.length / part.length;
    out ??= new Float32Array(rows.length * k);
    out.set(probs, start * k);
    onProgress?.(start + part.length, rows.length);
  }
  return out ?? new Float32Array(0);
}
