/** What `/metrics` reports, in Prometheus' text format (prom-client, on a registry of the server's own). */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'sentiment_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'sentiment_request_duration_seconds',
    help: 'Time from a request read to its answer sent, by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly batches = new Histogram({
    name: 'sentiment_batch_texts',
    help: 'Texts in each forward pass (micro-batches of concurrent requests)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });
  readonly texts = new Counter({
    name: 'sentiment_texts_total',
    help: 'Texts answered, by source: the model, or the phrase memory (a training phrase)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly reloads = new Counter({
    name: 'sentiment_reloads_total',
    help: 'Model reloads, by outcome (switched, unchanged, refused)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly model = new Gauge({
    name: 'sentiment_model_info',
    help: 'The model answering: 1 for its id and name',
    labelNames: ['id', 'name'] as const,
    registers: [this.registry],
  });

  /** The loaded model's id (the previous one's series goes). */
  setModel(id: string, name: string): void {
    this.model.reset();
    this.model.set({ id, name }, 1);
  }
}
