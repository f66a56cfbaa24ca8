/**
 * One loaded model as the server uses it: its id (what every response names), a micro-batcher for the
 * texts the phrase memory may answer and one for those it may not, and a count of the requests using it,
 * so that a model replaced by a reload is disposed only once its last request has been answered.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpeedLayer } from '../engine/speed-layer.ts';
import { InputError } from '../errors.ts';
import { loadModelDirectory } from '../model/directory.ts';
import { MODEL_FILES } from '../model/files.ts';
import { explainPredictions, type WordContribution } from '../predict/explain.ts';
import { type Prediction, Predictor } from '../predict/predictor.ts';
import { MicroBatcher } from './micro-batcher.ts';

export interface BatchOptions {
  /** Texts in one forward pass at most. */
  maxBatch: number;
  /** How long a request's texts wait for others (0: the event loop's next turn). */
  batchWaitMs: number;
  onBatch?(texts: number): void;
}

/** What the server answers for one text. */
export interface TextAnswer extends Prediction {
  text: string;
  explanation?: WordContribution[] | null;
}

/** The model's id: the first 12 hex digits of its meta.json's sha256 (which lists every file's), else model.json's. */
export async function modelId(dir: string): Promise<string> {
  for (const f of [MODEL_FILES.meta, MODEL_FILES.model]) {
    const bytes = await readFile(join(dir, f)).catch(() => null);
    if (bytes) return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  }
  throw new InputError('holds no model (no meta.json or model.json)', { file: dir });
}

export class ServedModel {
  /** Requests answering on this model right now. */
  private inFlight = 0;
  private retired = false;
  private readonly withMemory: MicroBatcher<string, Prediction>;
  private readonly withoutMemory: MicroBatcher<string, Prediction>;
  readonly loadedAt = new Date();

  private constructor(
    readonly id: string,
    readonly dir: string,
    private readonly memoryPredictor: Predictor,
    private readonly plainPredictor: Predictor,
    batch: BatchOptions,
  ) {
    const opts = { maxItems: batch.maxBatch, waitMs: batch.batchWaitMs, onBatch: batch.onBatch };
    this.withMemory = new MicroBatcher((texts) => memoryPredictor.predict(texts).predictions, opts);
    this.withoutMemory = new MicroBatcher((texts) => plainPredictor.predict(texts).predictions, opts);
  }

  /** Loads and checks a model directory (meta.json's sizes and sha256), and answers one text to be sure it works. */
  static async load(dir: string, speed: SpeedLayer | null, batch: BatchOptions): Promise<ServedModel> {
    const id = await modelId(dir);
    const loaded = await loadModelDirectory(dir, undefined, speed);
    try {
      const predictor = new Predictor(loaded, { batchSize: batch.maxBatch });
      predictor.predict(['a film'], undefined, true);
      return new ServedModel(
        id,
        dir,
        predictor,
        new Predictor(loaded, { batchSize: batch.maxBatch, memory: false }),
        batch,
      );
    } catch (err) {
      loaded.dispose();
      throw err;
    }
  }

  get labelNames(): readonly string[] {
    return this.plainPredictor.labelNames;
  }

  get hasMemory(): boolean {
    return this.plainPredictor.loaded.memory !== null;
  }

  /** Runs `work` counted as one request on this model. */
  async use<T>(work: (model: ServedModel) => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work(this);
    } finally {
      this.inFlight -= 1;
      if (this.retired && this.inFlight === 0) this.dispose();
    }
  }

  /** Each text's answer (texts checked by requests.ts), batched with other requests' texts; explained on request. */
  async answer(texts: string[], opts: { memory: boolean; explain: boolean }): Promise<TextAnswer[]> {
    const predictions = await (opts.memory ? this.withMemory : this.withoutMemory).submit(texts);
    const why = opts.explain
      ? explainPredictions(opts.memory ? this.memoryPredictor : this.plainPredictor, texts, predictions)
      : null;
    return predictions.map((p, i) => ({ ...p, text: texts[i], ...(why ? { explanation: why[i] } : {}) }));
  }

  /** No new request will come: disposed when the last one in flight is answered. */
  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) this.dispose();
  }

  private disposed = false;
  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.plainPredictor.loaded.dispose();
  }
}
