/**
 * `npm run bench -- --serve`: `sentiment serve` under load from autocannon on the same machine (the
 * server and the load share its cores: quote the figures with the machine and the connections).
 * Single-text requests at 1, 16 and 64 connections; requests of 64 texts; resident memory after a
 * warm-up and after many more requests; and `sentiment predict` one process per call as the baseline.
 * Texts are Kaggle test phrases, `"memory": false` so that every text runs through the model.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { BIN } from './launcher.ts';

export interface LoadFigures {
  connections: number;
  textsPerRequest: number;
  requestsPerSecond: number;
  textsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface ServeBench {
  model: string;
  /** The served model's id (/readyz). */
  modelId: string;
  runs: LoadFigures[];
  rssMb: { afterWarmup: number; afterRequests: number; requests: number };
  /** `sentiment predict TEXT`, a process per call: seconds per call (median). */
  predictProcessSeconds: number;
}

function testPhrases(file: string, n: number): string[] {
  const lines = readFileSync(file, 'utf8').split('\n').slice(1);
  const out: string[] = [];
  for (let i = 0; out.length < n && i < lines.length; i += 61) {
    const text = lines[i].split('\t')[2];
    if (text?.trim()) out.push(text);
  }
  return out;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function load(
  url: string,
  texts: string[],
  opts: { connections: number; perRequest: number; seconds?: number; amount?: number },
): Promise<LoadFigures> {
  let at = 0;
  const body = () => {
    const batch = Array.from({ length: opts.perRequest }, () => texts[at++ % texts.length]);
    return JSON.stringify(opts.perRequest === 1 ? { text: batch[0], memory: false } : { texts: batch, memory: false });
  };
  const result = await autocannon({
    url: `${url}/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? 10 }),
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  const rps = result.requests.average;
  return {
    connections: opts.connections,
    textsPerRequest: opts.perRequest,
    requestsPerSecond: Math.round(rps),
    textsPerSecond: Math.round(rps * opts.perRequest),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

export async function benchServe(opts: {
  modelDir: string;
  testTsv: string;
  quick: boolean;
  log(line: string): void;
}): Promise<ServeBench> {
  const texts = testPhrases(opts.testTsv, 1000);
  const child = spawn(BIN, ['serve', '--model', opts.modelDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.on('exit', (code) => reject(new Error(`sentiment serve exited ${code}`)));
  });
  try {
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { model: string };
    const seconds = opts.quick ? 5 : 10;
    await load(url, texts, { connections: 16, perRequest: 1, amount: 10_000 });
    const afterWarmup = rssMb(child.pid as number);
    const runs: LoadFigures[] = [];
    for (const connections of [1, 16, 64]) {
      const r = await load(url, texts, { connections, perRequest: 1, seconds });
      opts.log(
        `serve: ${connections} connections, one text: ${r.requestsPerSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors`,
      );
      runs.push(r);
    }
    const batch = await load(url, texts, { connections: 16, perRequest: 64, seconds });
    opts.log(
      `serve: 16 connections, 64 texts a request: ${batch.textsPerSecond} texts/s, p99 ${batch.p99Ms} ms, ${batch.errors} errors`,
    );
    runs.push(batch);
    const requests = opts.quick ? 100_000 : 1_000_000;
    const soak = await load(url, texts, { connections: 64, perRequest: 1, amount: requests });
    const afterRequests = rssMb(child.pid as number);
    opts.log(
      `serve: RSS ${afterWarmup} MB after 10,000 requests, ${afterRequests} MB after ${requests.toLocaleString('en-US')} more (${soak.errors} errors)`,
    );
    const calls: number[] = [];
    for (let i = 0; i < (opts.quick ? 3 : 5); i++) {
      const t0 = performance.now();
      spawnSync(BIN, ['predict', '--model', opts.modelDir, '--no-memory', texts[i]]);
      calls.push((performance.now() - t0) / 1000);
    }
    calls.sort((a, b) => a - b);
    const predictProcessSeconds = calls[Math.floor(calls.length / 2)];
    opts.log(`serve: baseline, sentiment predict a process per call: ${predictProcessSeconds.toFixed(2)} s a call`);
    return {
      model: opts.modelDir,
      modelId: ready.model,
      runs,
      rssMb: { afterWarmup, afterRequests, requests },
      predictProcessSeconds,
    };
  } finally {
    child.kill('SIGTERM');
  }
}
