/**
 * An LSTM member in the browser: its Keras tokenizer and its layers model, fed as the CLI's layers path
 * feeds it (the same encoding and batches: data/encode.ts, data/batches.ts), so a phrase's answer never
 * depends on its batch-mates.
 */
import { encodeBatch, scoreInBatches } from '../data/batches.ts';
import { toSequences, wordsRead } from '../data/encode.ts';
import type { Tokenizer } from '../data/tokenizer.ts';
import type { MemberOutput, MemberScorer, PredictOptions, SequenceEntry, SequenceInput } from '../model/member.ts';
import { readAndDispose } from '../model/tensor-data.ts';
import * as tf from './tf.ts';

export class SequenceMember implements MemberScorer {
  constructor(
    readonly model: tf.LayersModel,
    readonly tokenizer: Tokenizer,
    readonly input: SequenceInput,
    readonly kind: SequenceEntry['kind'],
  ) {}

  get maxLen(): number {
    return this.input.maxLen;
  }

  get numClasses(): number {
    const shape = this.model.outputs[0].shape;
    return shape[shape.length - 1] as number;
  }

  wordsRead(words: ReadonlyArray<string>): number[] | null {
    return wordsRead(words, this.tokenizer, this.input.maxLen);
  }

  predict(cleaned: ReadonlyArray<string>, opts: PredictOptions = {}): MemberOutput {
    const { sequences, truncated } = toSequences(cleaned, this.tokenizer, this.input.maxLen);
    const rows = Int32Array.from(sequences.keys());
    const probabilities = scoreInBatches(
      sequences,
      rows,
      { mode: this.input.batching, batchSize: opts.batchSize ?? 512, maxLen: this.input.maxLen },
      (batch) =>
        readAndDispose(
          tf.tidy(() => {
            const x = tf.tensor2d(encodeBatch(sequences, batch), [batch.rows.length, batch.length], 'int32');
            return this.model.predictOnBatch(x) as tf.Tensor;
          }),
        ),
      opts.onProgress,
    );
    return { probabilities, truncated };
  }

  dispose(): void {
    this.model.dispose();
  }
}
