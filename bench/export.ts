/**
 * `npm run bench:export -- [MODEL_DIR…]` (default: models/sentiment): issue 43's figures. Each model is
 * exported three ways (float32, float16, uint8): the export's seconds, each part's size, the accuracy on
 * its validation rows before and after. Its float16 export is then served from 127.0.0.1 and opened in
 * Debian's Chromium (playwright-core): cold load to ready and to the first answer (a fresh browser each
 * round), a typed answer's milliseconds (predict, explain, draw; median of 30), the module's texts per
 * second on WebAssembly and on plain JavaScript (interleaved), and the largest difference from
 * `predict --json` over 1,000 of the validation rows' texts. Writes bench/results/export/*.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { heldOutRows } from '../src/data/split.ts';
import { readTable } from '../src/data/table.ts';
import { exportWeb } from '../src/export/export-web.ts';
import { openModelDirectory } from '../src/model/directory.ts';
import { formatSample, type Sample, summarize } from './stats.ts';
import { BIN } from './launcher.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '3' }, chromium: { type: 'string', default: '/usr/bin/chromium' } },
});
const models = positionals.length ? positionals : ['models/sentiment'];
const rounds = Number(values.rounds);
const tmp = mkdtempSync(join(tmpdir(), 'sentiment-bench-export-'));
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** 1,000 texts of the model's validation rows, spread evenly over them. */
async function validationTexts(model: string): Promise<string[]> {
  const header = await openModelDirectory(model);
  if (!header.meta || !header.settings) throw new Error(`${model}: no meta.json`);
  const table = await readTable(header.meta.data_file, { labelled: true });
  const { valRows } = heldOutRows(
    table.rows.map((r) => r.group ?? `line ${r.line}`),
    header.settings,
  );
  const texts = Array.from(valRows, (r) => table.rows[r].text).filter((t) => t.trim() !== '');
  const step = Math.max(1, Math.floor(texts.length / 1000));
  return texts.filter((_, i) => i % step === 0).slice(0, 1000);
}

async function serve(root: string) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
}

interface PageFigures {
  ready_ms: Sample;
  first_answer_ms: Sample;
  typed_answer_ms: Sample;
  module_texts_per_s: Record<'wasm' | 'cpu', Sample>;
  max_abs_diff_from_cli: number;
}

async function inChromium(site: string, texts: string[]): Promise<PageFigures> {
  const { server, url } = await serve(site);
  const textsFile = join(tmp, 'texts.txt');
  writeFileSync(textsFile, `${texts.join('\n')}\n`);
  const cli = execFileSync(
    BIN,
    ['predict', '--model', join(site, 'model'), '--json', '--no-memory', '--file', textsFile],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  )
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { probabilities: number[] }).probabilities);
  const ready: number[] = [];
  const first: number[] = [];
  const typed: number[] = [];
  const perSecond = { wasm: [] as number[], cpu: [] as number[] };
  let maxDiff = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      const browser = await chromium.launch({ executablePath: values.chromium, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage();
        const start = Date.now();
        await page.goto(url);
        await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 120_000 });
        ready.push(Date.now() - start);
        const answered = async (t: string) => {
          await page.fill('#text', t);
          await page.waitForFunction((x) => document.getElementById('answer')?.dataset.text === x, t);
        };
        await answered(texts[0]);
        first.push(Date.now() - start);
        const times: number[] = [];
        for (const t of texts.slice(1, 31)) {
          await answered(t);
          times.push(
            await page.evaluate(
              () =>
                (globalThis as { sentimentPage?: { lastAnswerMs: number } }).sentimentPage?.lastAnswerMs ?? Number.NaN,
            ),
          );
        }
        typed.push(summarize(times).median);
        // The module alone, each backend in a fresh page of the same browser.
        for (const backend of ['wasm', 'cpu'] as const) {
          const p = await browser.newPage();
          await p.goto(`${url}model/meta.json`);
          const out = await p.evaluate(
            async ({ ts, backend }) => {
              const m = (await import('/sentiment.js' as string)) as {
                load(
                  url: string,
                  o: { backend: string },
                ): Promise<{ backend: string; predict(t: string[], o: object): { probabilities: number[] }[] }>;
              };
              const model = await m.load('/model/', { backend });
              const s = performance.now();
              const answers = model.predict(ts, { memory: false });
              return {
                backend: model.backend,
                seconds: (performance.now() - s) / 1000,
                p: answers.map((a) => a.probabilities),
              };
            },
            { ts: texts, backend },
          );
          if (out.backend !== backend) throw new Error(`asked for ${backend}, ran on ${out.backend}`);
          perSecond[backend].push(texts.length / out.seconds);
          out.p.forEach((row, i) => row.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - cli[i][j])))));
          await p.close();
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    server.close();
  }
  return {
    ready_ms: summarize(ready),
    first_answer_ms: summarize(first),
    typed_answer_ms: summarize(typed),
    module_texts_per_s: { wasm: summarize(perSecond.wasm), cpu: summarize(perSecond.cpu) },
    max_abs_diff_from_cli: maxDiff,
  };
}

const results = [];
for (const [m, model] of models.entries()) {
  const exports = [];
  for (const quantize of [null, 'float16', 'uint8'] as const) {
    const out = join(tmp, `${m}-${quantize ?? 'float32'}`);
    const r = await exportWeb({ modelDir: model, out, quantize, backend: 'auto' });
    exports.push({ quantize: quantize ?? 'float32', out, seconds: r.seconds, parts: r.parts, accuracy: r.accuracy });
    const total = r.parts.reduce((n, p) => n + p.after, 0);
    const acc =
      'rows' in r.accuracy ? `${r.accuracy.before.toFixed(4)} → ${r.accuracy.after.toFixed(4)}` : r.accuracy.skipped;
    process.stdout.write(
      `${model} ${quantize ?? 'float32'}: ${(total / 1e6).toFixed(2)} MB in ${r.seconds.toFixed(1)} s; accuracy ${acc}\n`,
    );
  }
  const page = await inChromium(exports[1].out, await validationTexts(model));
  process.stdout.write(
    `${model} float16 in Chromium: ready ${formatSample(page.ready_ms, 'ms', 0)}, first answer ${formatSample(page.first_answer_ms, 'ms', 0)}, typed answer ${formatSample(page.typed_answer_ms, 'ms', 1)}; module ${formatSample(page.module_texts_per_s.wasm, 'texts/s', 0)} on wasm, ${formatSample(page.module_texts_per_s.cpu, 'texts/s', 0)} on cpu; largest difference from predict --json ${page.max_abs_diff_from_cli.toExponential(1)}\n`,
  );
  results.push({ model, exports: exports.map(({ out: _, ...e }) => e), float16_in_chromium: page });
}
const dir = join(import.meta.dirname, 'results', 'export');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().replaceAll(':', '-').replace('.', '-')}.json`);
const chromiumVersion = execFileSync(values.chromium, ['--version'], { encoding: 'utf8' }).trim();
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, chromium: chromiumVersion, rounds, results }, null, 2)}\n`,
);
process.stdout.write(`results: ${file}\n`);
