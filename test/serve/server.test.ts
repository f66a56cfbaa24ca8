/**
 * `sentiment serve` over real HTTP on 127.0.0.1 (a free port): its routes and their numbers (the same
 * as `predict --json`), every bad input, reloads under load, graceful stops, the token, and answers that
 * never cross between concurrent requests.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type SentimentServer } from '../../src/serve/server.ts';
import { BIN, close, predictJson, sentiment, TINY_TRAIN_FLAGS, tempDir, trainHead, vectorsFor } from '../helpers.ts';

const SMALL = TINY_TRAIN_FLAGS;

/** A tiny model of `data` (the first 300 training rows); `size`: the flags that keep it tiny. */
function train(out: string, extra: string[] = [], data = trainHead(300), size: readonly string[] = SMALL): void {
  const r = sentiment(['train', data, '--out', out, '--epochs', '1', '--backend', 'wasm', ...size, ...extra]);
  assert.equal(r.code, 0, r.err);
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** Starts the built CLI's server; resolves with its URL (the first line it prints). */
function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ url: string; child: ChildProcess; err: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--backend', 'wasm', ...args], {
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const first = out.split('\n');
      if (first.length > 1) resolve({ url: first[0], child, err: () => err });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null) resolve({ code: child.exitCode, signal: null });
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });

const TEXTS = [
  'a gorgeous , witty film',
  'not good',
  'an unseen zzz phrase',
  // A training phrase: the phrase memory answers it.
  'A series of escapades demonstrating the adage that what is good for the goose',
];

describe('sentiment serve', () => {
  let dir = '';
  let seed = '';
  let ensemble = '';
  let vectors = '';
  let server: SentimentServer;
  let url = '';
  before(async () => {
    dir = tempDir();
    seed = join(dir, 'seed');
    ensemble = join(dir, 'ensemble');
    train(seed);
    train(ensemble, ['--preset', 'ensemble']);
    vectors = join(dir, 'vectors');
    const data = trainHead(300);
    train(vectors, ['--preset', 'vectors', '--embeddings', vectorsFor(data)], data, ['--units', '4']);
    server = await createServer({ modelDir: seed, backend: 'wasm', maxTexts: 50, maxBody: 4096 });
    url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await server?.close();
  });

  it("answers every route; /predict's numbers are predict --json's (the LSTM, an ensemble, the member on vectors; memory on and off; explained)", async () => {
    for (const model of [seed, ensemble, vectors]) {
      const s = model === seed ? server : await createServer({ modelDir: model, backend: 'wasm' });
      const base = model === seed ? url : await s.app.listen({ port: 0, host: '127.0.0.1' });
      try {
        for (const [body, flags] of [
          [{ texts: TEXTS }, []],
          [{ texts: TEXTS, memory: false }, ['--no-memory']],
          [{ texts: TEXTS, memory: false, explain: true }, ['--no-memory', '--explain']],
        ] as const) {
          const r = await post(`${base}/predict`, body);
          assert.equal(r.status, 200, r.text);
          assert.equal(r.headers.get('x-model-id'), s.holder.current.id);
          close(r.json().predictions, predictJson(model, TEXTS, [...flags]), `${model} ${JSON.stringify(body)}`);
        }
        const one = await post(`${base}/predict`, { text: TEXTS[0] });
        close(one.json(), predictJson(model, [TEXTS[0]])[0], 'one text');
        const tf = await post(`${base}/v1/models/${s.name}:predict`, { instances: TEXTS });
        close(
          tf.json().predictions,
          predictJson(model, TEXTS).map((p) => p.probabilities),
          'TensorFlow Serving shape',
        );
      } finally {
        if (model !== seed) await s.close();
      }
    }
    const status = await (await fetch(`${url}/v1/models/seed`)).json();
    assert.equal(status.model_version_status[0].state, 'AVAILABLE');
    assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
    const ready = await (await fetch(`${url}/readyz`)).json();
    assert.equal(ready.model, server.holder.current.id);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    for (const name of [
      'sentiment_requests_total{route="/predict",status="200"}',
      'sentiment_request_duration_seconds_bucket',
      'sentiment_batch_texts_bucket',
      'sentiment_texts_total{source="memory"}',
      `sentiment_model_info{id="${server.holder.current.id}",name="seed"} 1`,
    ])
      assert.ok(metrics.includes(name), name);
  });

  it('refuses every bad input with its status and one JSON error naming the field or limit, and keeps serving', async () => {
    const cases: [() => Promise<{ status: number; text: string; headers: Headers }>, number, RegExp][] = [
      [
        () => post(`${url}/predict`, 'text=hi', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        /content-type/,
      ],
      [() => post(`${url}/predict`, 'hi', { 'content-type': 'text/plain' }), 415, /content-type/],
      [() => post(`${url}/predict`, '{"text": '), 400, /not valid JSON/],
      [() => post(`${url}/predict`, { text: 'x'.repeat(5000) }), 413, /limit of 4096 bytes \(maxBody\)/],
      [() => post(`${url}/predict`, { texts: Array(51).fill('a') }), 413, /limit of 50 \(maxTexts\)/],
      [() => post(`${url}/predict`, { texts: ['ok', 7] }), 400, /texts\[1\] must be a string/],
      [() => post(`${url}/predict`, { texts: [] }), 400, /texts is empty/],
      [() => post(`${url}/predict`, { text: '  ' }), 400, /text\[0\] is empty/],
      [() => post(`${url}/predict`, { text: 'a', texts: ['b'] }), 400, /exactly one of/],
      [() => post(`${url}/predict`, { text: 'a', explain: 'yes' }), 400, /explain must be true or false/],
      [() => post(`${url}/predict`, [1, 2]), 400, /JSON object/],
      [() => post(`${url}/v1/models/other:predict`, { instances: ['a'] }), 404, /no model named "other"/],
      [() => post(`${url}/v1/models/seed:predict`, { rows: ['a'] }), 400, /instances/],
      [() => post(`${url}/nowhere`, {}), 404, /no route POST \/nowhere/],
      [
        () =>
          fetch(`${url}/predict`).then(async (r) => ({ status: r.status, text: await r.text(), headers: r.headers })),
        405,
        /use POST/,
      ],
      [() => post(`${url}/healthz`, {}), 405, /use GET/],
    ];
    for (const [send, status, message] of cases) {
      const r = await send();
      assert.equal(r.status, status, r.text);
      const body = JSON.parse(r.text);
      assert.deepEqual(Object.keys(body), ['error']);
      assert.match(body.error, message);
      assert.doesNotMatch(r.text, /\bat .*\.(ts|js):\d+/);
      if (status === 405) assert.ok(r.headers.get('allow'), 'a 405 says what is allowed');
      const good = await post(`${url}/predict`, { text: 'still here' });
      assert.equal(good.status, 200);
    }
  });

  it('200 concurrent requests of mixed texts each get their own answer', async () => {
    const texts = Array.from({ length: 200 }, (_, i) => `${TEXTS[i % TEXTS.length]} ${i % 7 ? 'film' : 'dull'} ${i}`);
    const want: unknown[] = [];
    for (let i = 0; i < texts.length; i += 50)
      want.push(...(await post(`${url}/predict`, { texts: texts.slice(i, i + 50), memory: false })).json().predictions);
    const answers = await Promise.all(texts.map((text) => post(`${url}/predict`, { text, memory: false })));
    answers.forEach((a, i) => {
      assert.equal(a.status, 200);
      close(a.json(), want[i], `request ${i}`);
    });
  });

  it('reloads under load without a failed request; a broken model is refused and the old one keeps answering', async () => {
    const served = join(dir, 'served');
    cpSync(seed, served, { recursive: true });
    const s = await createServer({ modelDir: served, backend: 'wasm', watch: true });
    const base = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const first = s.holder.current.id;
    const seen = new Set<string>();
    let failed = 0;
    let stop = false;
    const client = (async () => {
      for (let i = 0; !stop && i < 20_000; i++) {
        const r = await post(`${base}/predict`, { text: `a film ${i}` }).catch(() => null);
        if (r?.status !== 200) failed += 1;
        else seen.add(r.headers.get('x-model-id') ?? '');
      }
    })();
    try {
      // train replaces the served directory (a swap by renames): the watcher reloads.
      train(served, ['--seed', '7']);
      const deadline = Date.now() + 20_000;
      while (s.holder.current.id === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.notEqual(s.holder.current.id, first, 'the new model is served');
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      await client;
      assert.equal(failed, 0);
      assert.ok(seen.has(first) && seen.has(s.holder.current.id), `answers from both models: ${[...seen]}`);
      // A damaged model (its weights no longer match meta.json's sha256) is refused.
      const good = s.holder.current.id;
      writeFileSync(join(served, 'weights.bin'), 'broken');
      writeFileSync(join(served, 'meta.json'), `${JSON.stringify({ broken: true })}\n`);
      const res = await fetch(`${base}/admin/reload`, { method: 'POST' });
      const r = { status: res.status, text: await res.text(), json: () => JSON.parse(r.text) };
      assert.equal(r.status, 409, r.text);
      assert.match(r.json().error, /refused/);
      const after = await post(`${base}/predict`, { text: 'still answering' });
      assert.equal(after.status, 200);
      assert.equal(after.headers.get('x-model-id'), good);
    } finally {
      stop = true;
      await client;
      await s.close();
    }
  });

  it('the CLI: 127.0.0.1 by default, the token (401 without, 200 with), SIGTERM lets requests finish and exits 0', async () => {
    const tokenFile = join(tempDir(), 'token');
    writeFileSync(tokenFile, 's3cret\n');
    const { url: base, child } = await startCli([
      '--model',
      seed,
      '--token-file',
      tokenFile,
      '--batch-wait-ms',
      '1500',
    ]);
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await post(`${base}/predict`, { text: 'a' })).status, 401);
    assert.equal((await post(`${base}/predict`, { text: 'a' }, { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'probes need no token');
    // Requests held in the batcher (1.5 s) when SIGTERM comes: they are answered, then it exits 0.
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      post(`${base}/predict`, { text: `film ${i}` }, { authorization: 'Bearer s3cret' }),
    );
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    for (const a of answers) assert.equal(a.status, 200, a.text);
    assert.deepEqual(await exited(child), { code: 0, signal: null });
  });

  it('a second signal quits at once', async () => {
    const { url: base, child } = await startCli(['--model', seed, '--batch-wait-ms', '5000']);
    const held = post(`${base}/predict`, { text: 'film' }).catch(() => null);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const { code } = await exited(child);
    assert.equal(code, 143);
    assert.ok(Date.now() - t0 < 3000, 'it did not wait for the held request');
    await held;
  });

  it('--workers 2: two processes answer on one port, and both stop on SIGTERM', async () => {
    const { url: base, child } = await startCli(['--model', seed, '--workers', '2']);
    const pids = new Set<number>();
    for (let i = 0; i < 40 && pids.size < 2; i++) pids.add((await (await fetch(`${base}/readyz`)).json()).pid);
    assert.equal(pids.size, 2, 'answers come from two processes');
    child.kill('SIGTERM');
    assert.deepEqual(await exited(child), { code: 0, signal: null });
  });

  it('a port in use or an address not of this machine is one line, exit 2', () => {
    const port = new URL(url).port;
    for (const [args, message] of [
      [['--port', port], new RegExp(`--port ${port}: in use`)],
      [['--host', '0.0.0.1', '--port', '0'], /--host 0\.0\.0\.1: not an address of this machine/],
    ] as const) {
      const r = sentiment(['serve', '--model', seed, '--backend', 'wasm', ...args], { timeoutMs: 60_000 });
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, message);
      assert.doesNotMatch(r.err, /^\s+at /m);
    }
  });
});
