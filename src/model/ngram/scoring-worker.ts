/**
 * The worker thread of scoring-thread.ts: n-gram members rebuilt from their arrays, then each job's
 * texts scored by the same predictTogether the caller's thread would run, so the answers are the same
 * to the bit. State (shared): [0] the last job finished, [1] its texts scored so far.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { NgramScorer } from './scorer.ts';
import { SoftmaxRegression } from './softmax.ts';
import { TfidfVectorizer } from './vectorizer.ts';
import type { NgramArrays, ScoringJob, ScoringReply } from './scoring-thread.ts';

const { members, state, port } = workerData as { members: NgramArrays[]; state: Int32Array; port: MessagePort };
const scorers = members.map(
  (m) =>
    new NgramScorer(
      new TfidfVectorizer(m.config, m.buckets, m.idf, m.index ?? undefined),
      new SoftmaxRegression(m.classes, m.weights, m.bias),
    ),
);

parentPort?.on('message', (job: ScoringJob) => {
  let reply: ScoringReply;
  Atomics.store(state, 1, 0);
  try {
    const outs = scorers[0].predictTogether(scorers, job.texts, {
      batchSize: job.step,
      onProgress: (done) => Atomics.store(state, 1, done),
    });
    reply = { id: job.id, outputs: outs.map((o) => o.probabilities) };
  } catch (e) {
    reply = { id: job.id, error: e instanceof Error ? e.message : String(e) };
  }
  // The reply is on the port before the caller, woken, looks for it there.
  port.postMessage(reply, 'outputs' in reply ? reply.outputs.map((p) => p.buffer as ArrayBuffer) : []);
  Atomics.store(state, 0, job.id);
  Atomics.notify(state, 0);
});
