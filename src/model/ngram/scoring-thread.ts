/**
 * N-gram members scored on a worker thread while the caller's thread scores a model's other members
 * (the LSTMs of `best`, which leave the second core idle most of the time): the caller posts the texts,
 * goes on, then blocks on a shared word (Atomics.wait) until the answers are there, so answering stays
 * synchronous. A worker that fails or stops moving is dropped and the caller's thread scores the texts:
 * the answers are the same either way (scoring-worker.ts runs the same code).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { CODE_EXT, codeFile, codeWorker } from '../../package-files.ts';
import type { MemberOutput, PendingOutputs, PredictOptions } from '../member.ts';
import type { NgramConfig } from './features.ts';
import type { NgramScorer } from './scorer.ts';

/** What a worker needs of a member to score as it does (shared with it where they lie in a SharedArrayBuffer, else copied). */
export interface NgramArrays {
  config: NgramConfig;
  buckets: Int32Array;
  idf: Float32Array;
  classes: number;
  weights: Float32Array;
  bias: Float32Array;
  /** The vectorizer's index table where it is shared (else the worker builds its own: cheaper than a copy). */
  index: Int32Array | null;
}

export interface ScoringJob {
  id: number;
  texts: ReadonlyArray<string>;
  /** Texts between progress reports. */
  step: number;
}

export type ScoringReply = { id: number; outputs: Float32Array[] } | { id: number; error: string };

/** Fewer texts go on the caller's thread: the worker's start (~0.1 s) and messages would cost more than they save. */
export const MIN_TEXTS_OFF_THREAD = 1024;

/** No progress for this long and the worker is taken for dead (progress comes every few hundred texts). */
const STALL_MS = 15_000;

const WORKER = `model/ngram/scoring-worker${CODE_EXT}`;

export interface ScoringThreadOptions {
  /** The worker's module (tests give one that fails). */
  workerFile?: string;
  stallMs?: number;
}

/** Whether scoring `texts` on a worker can pay on this machine. */
export function worthAThread(texts: number): boolean {
  return texts >= MIN_TEXTS_OFF_THREAD && availableParallelism() > 1 && existsSync(codeFile(WORKER));
}

/** What the worker is handed of each scorer: shared arrays are shared with it, the rest copied. */
export function workerArrays(scorers: ReadonlyArray<NgramScorer>): NgramArrays[] {
  return scorers.map(({ vectorizer: v, model: m }) => ({
    config: v.config,
    buckets: v.buckets,
    idf: v.idf,
    classes: m.classes,
    weights: m.weights,
    bias: m.bias,
    index: v.index.buffer instanceof SharedArrayBuffer ? v.index : null,
  }));
}

export class ScoringThread {
  /** Set when the worker failed or stalled: its jobs then run on the caller's thread, and later ones too. */
  failed: Error | null = null;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** [0] the last job the worker finished, [1] texts it has scored of the job under way. */
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private jobs = 0;
  private readonly stallMs: number;

  constructor(
    readonly scorers: ReadonlyArray<NgramScorer>,
    opts: ScoringThreadOptions = {},
  ) {
    this.stallMs = opts.stallMs ?? STALL_MS;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const members = workerArrays(scorers);
    const options = { workerData: { members, state: this.state, port: port2 }, transferList: [port2] };
    this.worker = opts.workerFile ? new Worker(opts.workerFile, options) : codeWorker(WORKER, options);
    this.worker.on('error', (e) => (this.failed ??= e));
    this.worker.on('exit', (code) => (this.failed ??= new Error(`the n-gram scoring thread exited (${code})`)));
    // Neither keeps the process alive: a command ends when its work does.
    this.worker.unref();
    this.port.unref();
  }

  /** Posts the texts to the worker and returns at once. */
  start(texts: ReadonlyArray<string>, opts: PredictOptions = {}): PendingOutputs {
    const id = ++this.jobs;
    const step = opts.batchSize ?? 512;
    Atomics.store(this.state, 1, 0);
    this.worker.postMessage({ id, texts, step } satisfies ScoringJob);
    let outputs: MemberOutput[] | null = null;
    // What this job last reported: the worker's count, or this thread's if it took the job over.
    let reported = 0;
    return {
      done: () => (outputs ? texts.length : Math.max(reported, this.jobs === id ? Atomics.load(this.state, 1) : 0)),
      wait: (onProgress) => {
        outputs ??= this.collect(id, texts, step, (done) => {
          reported = done;
          onProgress?.(done);
        });
        return outputs;
      },
    };
  }

  close(): void {
    this.failed ??= new Error('the n-gram scoring thread was closed');
    void this.worker.terminate();
    this.port.close();
  }

  private collect(
    id: number,
    texts: ReadonlyArray<string>,
    step: number,
    onProgress?: (done: number) => void,
  ): MemberOutput[] {
    let seen = -1;
    let moved = performance.now();
    for (let last = Atomics.load(this.state, 0); last < id; last = Atomics.load(this.state, 0)) {
      if (this.failed) return this.onThisThread(texts, step, onProgress);
      // Woken when a job is done; otherwise every 100 ms, to report progress and notice a stall.
      Atomics.wait(this.state, 0, last, 100);
      const done = Atomics.load(this.state, 1);
      if (done !== seen) {
        seen = done;
        moved = performance.now();
        onProgress?.(done);
      } else if (performance.now() - moved > this.stallMs) {
        this.close();
        return this.onThisThread(texts, step, onProgress);
      }
    }
    // Replies to jobs never waited for (the caller's other members threw) come first: dropped.
    let reply: ScoringReply | undefined;
    do reply = receiveMessageOnPort(this.port)?.message as ScoringReply | undefined;
    while (reply !== undefined && reply.id < id);
    if (reply?.id !== id) throw new Error(`the n-gram scoring thread lost job ${id}`);
    if ('error' in reply) throw new Error(`n-gram scoring failed on its thread: ${reply.error}`);
    return reply.outputs.map((probabilities) => ({ probabilities, truncated: 0 }));
  }

  private onThisThread(
    texts: ReadonlyArray<string>,
    step: number,
    onProgress?: (done: number) => void,
  ): MemberOutput[] {
    return this.scorers[0].predictTogether(this.scorers, texts, { batchSize: step, onProgress });
  }
}
