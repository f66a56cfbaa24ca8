/**
 * `sentiment serve` as a library: a fastify instance answering predictions over HTTP/1.1 with the
 * routes, limits, errors, token, CORS, logs and metrics the README lists. fastify parses and limits the
 * bodies, times out slow clients and closes gracefully; this module decides what each route answers.
 */
import { timingSafeEqual } from 'node:crypto';
import { basename, resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type EngineRequest, startEngine } from '../engine/engine.ts';
import { InputError } from '../errors.ts';
import { predictionObject } from '../predict/prediction-json.ts';
import { SERVE_DEFAULTS } from './defaults.ts';
import { ServerMetrics } from './metrics.ts';
import { ModelHolder, type ReloadResult } from './model-holder.ts';
import { HttpError, instancesRequest, predictRequest } from './requests.ts';
import type { ServedModel } from './served-model.ts';

export interface ServeOptions {
  modelDir: string;
  /** The model's name in TensorFlow Serving's routes; default: the directory's name. */
  name?: string;
  backend?: EngineRequest;
  /** Largest request body in bytes (413 past it). */
  maxBody?: number;
  /** Most texts in one request (413 past it). */
  maxTexts?: number;
  /** Most texts in one forward pass. */
  maxBatch?: number;
  /** How long a request's texts wait for others' (0: the event loop's next turn). */
  batchWaitMs?: number;
  /** Clients must send `Authorization: Bearer TOKEN` (all routes but /healthz and /readyz); null: none. */
  token?: string | null;
  /** The one origin browsers may call from (CORS headers); null: no CORS headers. */
  cors?: string | null;
  /** Access logs name the texts too. */
  logTexts?: boolean;
  /** Where the access log's JSON lines go; default: nowhere. */
  log?(line: string): void;
  /** A request (headers and body) must arrive within this, and its headers within headersTimeoutMs. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Reload when the directory's model is replaced. */
  watch?: boolean;
}

export { SERVE_DEFAULTS };

export interface SentimentServer {
  app: FastifyInstance;
  holder: ModelHolder;
  metrics: ServerMetrics;
  name: string;
  reload(): Promise<ReloadResult>;
  /** Stops accepting; requests in flight finish; the model is disposed. */
  close(): Promise<void>;
}

const MODEL_HEADER = 'x-model-id';

/** Each path's methods: what 405's Allow header says. */
function allowedMethods(path: string): string[] | null {
  if (path === '/predict' || path === '/admin/reload') return ['POST'];
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return ['GET', 'HEAD'];
  const tf = /^\/v1\/models\/[^/]+$/.exec(path);
  if (tf) return path.endsWith(':predict') ? ['POST'] : ['GET', 'HEAD'];
  return null;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function createServer(opts: ServeOptions): Promise<SentimentServer> {
  const o = { ...SERVE_DEFAULTS, ...stripUndefined(opts) };
  const name = opts.name ?? basename(resolve(opts.modelDir));
  const metrics = new ServerMetrics();
  const log = opts.log ?? (() => undefined);
  const engine = await startEngine(opts.backend ?? 'auto', { work: 'answer' });
  const holder = await ModelHolder.open(opts.modelDir, {
    speed: engine.speed,
    maxBatch: o.maxBatch,
    batchWaitMs: o.batchWaitMs,
    onBatch: (n) => metrics.batches.observe(n),
    log: (event) => log(JSON.stringify({ time: new Date().toISOString(), ...event })),
  });
  metrics.setModel(holder.current.id, name);
  if (opts.watch) await holder.watch();
  const reload = async () => {
    const r = await holder.reload();
    metrics.reloads.inc({ outcome: r.outcome });
    if (r.outcome === 'switched') metrics.setModel(r.to, name);
    return r;
  };

  const app = Fastify({
    bodyLimit: o.maxBody,
    requestTimeout: o.requestTimeoutMs,
    connectionTimeout: o.requestTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    logger: false,
  });
  app.server.headersTimeout = o.headersTimeoutMs;
  // JSON only: fastify would read text/plain too.
  app.removeContentTypeParser('text/plain');

  const started = new WeakMap<FastifyRequest, bigint>();
  const answeredBy = new WeakMap<FastifyRequest, string>();
  const textsOf = new WeakMap<FastifyRequest, string[]>();

  app.addHook('onRequest', async (req, reply) => {
    started.set(req, process.hrtime.bigint());
    if (o.cors) {
      reply.header('access-control-allow-origin', o.cors);
      reply.header('vary', 'Origin');
    }
    const path = req.url.split('?')[0];
    if (o.token && path !== '/healthz' && path !== '/readyz' && req.method !== 'OPTIONS') {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!sameToken(given, o.token))
        throw new HttpError(401, 'missing or wrong bearer token (Authorization: Bearer TOKEN)', {
          'www-authenticate': 'Bearer',
        });
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header(MODEL_HEADER, answeredBy.get(req) ?? holder.current.id);
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    const t0 = started.get(req);
    const seconds = t0 === undefined ? 0 : Number(process.hrtime.bigint() - t0) / 1e9;
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.latency.observe({ route }, seconds);
    const texts = textsOf.get(req);
    log(
      JSON.stringify({
        time: new Date().toISOString(),
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(seconds * 1e4) / 10,
        model: answeredBy.get(req) ?? holder.current.id,
        ...(texts ? { texts: o.logTexts ? texts : texts.length } : {}),
      }),
    );
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const send = (status: number, error: string, headers: Record<string, string> = {}) =>
      reply.code(status).headers(headers).send({ error });
    if (err instanceof HttpError) return send(err.status, err.message, err.headers);
    if (err instanceof InputError) return send(400, err.message);
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(413, `the body is over the limit of ${o.maxBody} bytes (maxBody)`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(415, `content-type must be application/json, not ${req.headers['content-type'] ?? 'none'}`);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(400, 'the body is empty: send a JSON object');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(
          400,
          `the body is not valid JSON (${err.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'$/, 'a syntax error')})`,
        );
    }
    if (err instanceof SyntaxError || err.statusCode === 400)
      return send(400, `the body is not valid JSON (${err.message})`);
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return send(err.statusCode, err.message);
    // A fault of ours: its stack goes to the log, never to the client.
    log(
      JSON.stringify({ time: new Date().toISOString(), event: 'error', url: req.url, error: err.stack ?? String(err) }),
    );
    return send(500, 'internal error (logged by the server)');
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const allow = allowedMethods(path);
    if (allow && !allow.includes(req.method)) {
      if (req.method === 'OPTIONS' && o.cors)
        return reply
          .code(204)
          .header('access-control-allow-methods', allow.join(', '))
          .header('access-control-allow-headers', 'content-type, authorization')
          .send();
      return reply
        .code(405)
        .header('allow', allow.join(', '))
        .send({ error: `${req.method} is not allowed on ${path}: use ${allow.join(' or ')}` });
    }
    return reply.code(404).send({ error: `no route ${req.method} ${path}` });
  });

  /** Answers on the model serving now; the request keeps it until answered. */
  const onModel = <T>(req: FastifyRequest, work: (m: ServedModel) => Promise<T>) =>
    holder.current.use(async (m) => {
      answeredBy.set(req, m.id);
      return work(m);
    });

  const countSources = (answers: { source: string }[]) => {
    for (const a of answers) metrics.texts.inc({ source: a.source });
  };

  app.post('/predict', async (req) => {
    const body = predictRequest(req.body, o.maxTexts);
    textsOf.set(req, body.texts);
    return onModel(req, async (m) => {
      const answers = await m.answer(body.texts, { memory: body.memory, explain: body.explain });
      countSources(answers);
      const objects = answers.map((a) =>
        predictionObject(a, a.explanation === undefined ? {} : { explanation: a.explanation }),
      );
      return body.single ? objects[0] : { model: m.id, predictions: objects };
    });
  });

  const tfModel = (req: FastifyRequest<{ Params: { '*': string } }>): string => {
    const rest = req.params['*'];
    if (rest.includes('/')) throw new HttpError(404, `no route ${req.method} ${req.url.split('?')[0]}`);
    return rest;
  };
  const checkName = (given: string) => {
    if (given !== name)
      throw new HttpError(404, `no model named ${JSON.stringify(given)}: this server serves ${JSON.stringify(name)}`);
  };

  app.post<{ Params: { '*': string } }>('/v1/models/*', async (req) => {
    const target = tfModel(req);
    if (!target.endsWith(':predict'))
      throw new HttpError(405, `POST is not allowed on ${req.url}: use GET`, { allow: 'GET, HEAD' });
    checkName(target.slice(0, -':predict'.length));
    const texts = instancesRequest(req.body, o.maxTexts);
    textsOf.set(req, texts);
    return onModel(req, async (m) => {
      const answers = await m.answer(texts, { memory: true, explain: false });
      countSources(answers);
      return { predictions: answers.map((a) => a.probabilities) };
    });
  });

  app.get<{ Params: { '*': string } }>('/v1/models/*', async (req) => {
    const target = tfModel(req);
    if (target.endsWith(':predict'))
      throw new HttpError(405, `GET is not allowed on ${req.url}: use POST`, { allow: 'POST' });
    checkName(target);
    return {
      model_version_status: [
        { version: holder.current.id, state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
      ],
    };
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => {
    const m = holder.current;
    return {
      ready: true,
      model: m.id,
      name,
      dir: holder.dir,
      loaded_at: m.loadedAt.toISOString(),
      memory: m.hasMemory,
      pid: process.pid,
    };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.post('/admin/reload', async (req, reply) => {
    const r = await reload();
    if (r.outcome === 'refused')
      return reply.code(409).send({ error: `the new model was refused: ${r.error}`, model: r.id });
    answeredBy.set(req, holder.current.id);
    return r;
  });
  if (o.cors) app.options('*', async (_req, reply) => reply.code(204).send());

  await app.ready();
  return {
    app,
    holder,
    metrics,
    name,
    reload,
    close: async () => {
      await app.close();
      holder.close();
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
