/**
 * `sentiment serve`: the model behind HTTP until a signal. SIGTERM or Ctrl-C stops accepting and lets
 * the requests in flight finish (at most --grace-ms), then exits 0; a second one quits at once. SIGHUP
 * reloads the model. With --workers N, N processes share the port (node:cluster); this one supervises.
 */
import cluster from 'node:cluster';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { type FlagValues, SERVE_FLAGS } from './options.ts';
import { addOptions, backendFromEnv, UsageError } from './program.ts';

type ServeFlags = FlagValues<typeof SERVE_FLAGS>;

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description(
      "answer predictions over HTTP: POST /predict, TensorFlow Serving's POST /v1/models/NAME:predict, /healthz, /readyz, /metrics; reloads the model when train replaces it",
    );
  addOptions(cmd, SERVE_FLAGS);
  cmd.addHelpText(
    'after',
    `
Examples:
  sentiment serve --port 8080
  curl -s localhost:8080/predict -H 'content-type: application/json' -d '{"text": "a gorgeous film"}'
  curl -s localhost:8080/v1/models/sentiment:predict -H 'content-type: application/json' -d '{"instances": ["not good"]}'`,
  );
  cmd.action(async (flags: ServeFlags) => {
    if (flags.port > 65535) throw new UsageError(`--port ${flags.port}: a port is 0 to 65535`);
    const token = await readToken(flags.tokenFile);
    const backend = backendFromEnv(cmd, flags.backend);
    if (flags.workers > 1 && cluster.isPrimary) return supervise(flags);
    await serveHere(flags, token, backend);
  });
}

async function readToken(file: string | undefined): Promise<string | null> {
  const from = file
    ? await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new InputError(err.code === 'ENOENT' ? 'no such file' : `cannot read: ${err.message}`, { file });
      })
    : (process.env.SENTIMENT_TOKEN ?? null);
  if (from === null) return null;
  const token = from.split('\n')[0].trim();
  if (token === '')
    throw new InputError('holds no token (its first line is empty)', { file: file ?? 'SENTIMENT_TOKEN' });
  return token;
}

/** One server process: listens, logs, reloads on SIGHUP, stops gracefully on SIGTERM or Ctrl-C. */
async function serveHere(flags: ServeFlags, token: string | null, backend: ServeFlags['backend']): Promise<void> {
  const { createServer } = await import('../serve/server.ts');
  const server = await createServer({
    modelDir: flags.model,
    name: flags.name,
    backend,
    maxBody: flags.maxBody,
    maxTexts: flags.maxTexts,
    maxBatch: flags.maxBatch,
    batchWaitMs: flags.batchWaitMs,
    token,
    cors: flags.cors ?? null,
    logTexts: flags.logTexts === true,
    watch: flags.watch,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const address = await server.app
    .listen({ port: flags.port, host: flags.host })
    .catch(async (err: NodeJS.ErrnoException) => {
      await server.close();
      throw listenProblem(err, flags);
    });
  const id = server.holder.current.id;
  if (cluster.isWorker) process.send?.({ listening: address, id });
  else {
    process.stdout.write(`${address}\n`);
    process.stdout.write(
      `serving ${server.holder.dir} as ${server.name} (model ${id})${token ? ', bearer token required' : ''}; Ctrl-C stops\n`,
    );
  }
  process.on('SIGHUP', () => void server.reload());
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
      stopping = true;
      const force = setTimeout(() => process.exit(0), flags.graceMs);
      force.unref();
      void server.close().then(() => {
        clearTimeout(force);
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  // A worker's channel to its supervisor would keep it alive: it is done.
  if (cluster.isWorker) process.exit(0);
}

/** Why the port could not be opened, in the flags' words. */
function listenProblem(err: NodeJS.ErrnoException, flags: ServeFlags): Error {
  if (err.code === 'EADDRINUSE')
    return new UsageError(`--port ${flags.port}: in use by another program; choose another (0 picks a free one)`);
  if (err.code === 'EACCES')
    return new UsageError(`--port ${flags.port}: needs privileges on this machine; choose one above 1023`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
    return new UsageError(`--host ${flags.host}: not an address of this machine`);
  return err;
}

/** --workers N: forks N servers on the one port, prints the URL once all listen, passes signals on, waits for them. */
async function supervise(flags: ServeFlags): Promise<void> {
  const workers = Array.from({ length: flags.workers }, () => cluster.fork());
  let listening = 0;
  let stopping = false;
  await new Promise<void>((resolve, reject) => {
    let alive = workers.length;
    for (const w of workers) {
      w.on('message', (m: { listening?: string; id?: string }) => {
        // The URL once every process answers: a client then reaches any of them.
        if (m.listening && ++listening === workers.length) {
          process.stdout.write(`${m.listening}\n`);
          process.stdout.write(`serving ${flags.model} in ${workers.length} processes (model ${m.id}); Ctrl-C stops\n`);
        }
      });
      w.on('exit', (code) => {
        alive -= 1;
        if (!stopping && code !== 0) {
          stopping = true;
          for (const o of workers) o.process.kill('SIGTERM');
          reject(new InputError(`a server process ended with code ${code} before it was asked to stop`));
        }
        if (alive === 0) resolve();
      });
    }
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        for (const w of workers) w.process.kill('SIGKILL');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      for (const w of workers) w.process.kill('SIGTERM');
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => {
      for (const w of workers) w.process.kill('SIGHUP');
    });
  });
}
