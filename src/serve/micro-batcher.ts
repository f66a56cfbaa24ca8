/**
 * Micro-batching: the texts of requests that arrive together go through the model in one forward pass.
 * A request's texts wait at most `waitMs` (0: until the event loop's next turn, so that requests already
 * read join without a timer's delay) or until `maxItems` are queued; a batch is cut at `maxItems` texts
 * (a larger request goes alone). Under load, requests arriving while a pass runs form the next batch.
 * Each request gets exactly its own items' results: the model's answer for a text never depends on what
 * it was batched with (the predictor's promise), so batching changes speed, never answers.
 */

interface Pending<I, R> {
  items: I[];
  resolve(results: R[]): void;
  reject(err: unknown): void;
}

export interface MicroBatcherOptions {
  maxItems: number;
  waitMs: number;
  /** Called with each batch's size (metrics). */
  onBatch?(items: number): void;
}

export class MicroBatcher<I, R> {
  private queue: Pending<I, R>[] = [];
  private queued = 0;
  private timer: { timeout: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | null = null;

  constructor(
    private readonly run: (items: I[]) => R[],
    private readonly opts: MicroBatcherOptions,
  ) {}

  submit(items: I[]): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queued += items.length;
      if (this.queued >= this.opts.maxItems) this.schedule(0);
      else this.schedule(this.opts.waitMs);
    });
  }

  private schedule(waitMs: number): void {
    if (this.timer !== null) {
      if (waitMs > 0) return;
      this.cancel();
    }
    const flush = () => {
      this.timer = null;
      this.flush();
    };
    this.timer = waitMs > 0 ? { timeout: setTimeout(flush, waitMs) } : { immediate: setImmediate(flush) };
  }

  private cancel(): void {
    if (this.timer === null) return;
    if ('timeout' in this.timer) clearTimeout(this.timer.timeout);
    else clearImmediate(this.timer.immediate);
    this.timer = null;
  }

  /** One batch: whole requests in arrival order, up to maxItems texts (at least one request). */
  private flush(): void {
    const batch: Pending<I, R>[] = [];
    let n = 0;
    while (this.queue.length && (batch.length === 0 || n + this.queue[0].items.length <= this.opts.maxItems)) {
      const p = this.queue.shift() as Pending<I, R>;
      batch.push(p);
      n += p.items.length;
    }
    this.queued -= n;
    if (this.queue.length) this.schedule(0);
    this.opts.onBatch?.(n);
    let results: R[];
    try {
      results = this.run(batch.flatMap((p) => p.items));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    let at = 0;
    for (const p of batch) {
      p.resolve(results.slice(at, at + p.items.length));
      at += p.items.length;
    }
  }
}
