/**
 * An export served from 127.0.0.1 and opened in Debian's Chromium (playwright-core): every request
 * stays on that server (counted), no console error, and typing texts in the page gives `predict --json`'s
 * numbers for the default recipe, an ensemble with the n-gram member and a member on vectors. A quantized
 * export's accuracy in the browser is what `export` printed; the module works imported by another page,
 * on WebAssembly (the page's) and on plain JavaScript (asked for).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cleanWords } from '../../src/data/clean.ts';
import { heldOutRows } from '../../src/data/split.ts';
import { openModelDirectory } from '../../src/model/directory.ts';
import {
  close,
  needChromium,
  predictJson,
  sentiment,
  TINY_TRAIN_FLAGS,
  tempDir,
  trainHead,
  vectorsFor,
} from '../helpers.ts';

const TEXTS = [
  'a gorgeous , witty film',
  "it isn't good , is it ?",
  'an unseen zzz phrase',
  // A training phrase: the phrase memory answers it.
  'A series of escapades demonstrating the adage that what is good for the goose',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** A static file server of `root` on 127.0.0.1 that counts what it serves. */
async function serve(root: string): Promise<{ url: string; server: Server; served: string[] }> {
  const served: string[] = [];
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    served.push(path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server, served };
}

function exportWeb(model: string, args: string[] = []): { dir: string; out: string } {
  const dir = join(tempDir(), 'site');
  const r = sentiment(['export', '--web', dir, '--model', model, '--backend', 'wasm', ...args]);
  assert.equal(r.code, 0, r.err);
  return { dir, out: r.out };
}

/** Opens `url` with every request outside `origin` refused and recorded, and console errors collected. */
async function open(browser: Browser, url: string) {
  const context = await browser.newContext();
  const elsewhere: string[] = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(new URL(url).origin)) return route.continue();
    elsewhere.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors, elsewhere, close: () => context.close() };
}

type View = Awaited<ReturnType<typeof open>>;

/** Serves `dir`, opens `path` on it, hands both to `check`, then closes the page and the server. */
async function visit(
  browser: Browser,
  dir: string,
  path: string,
  check: (view: View, served: string[]) => Promise<void>,
): Promise<void> {
  const site = await serve(dir);
  const view = await open(browser, `${site.url}${path}`);
  try {
    await check(view, site.served);
  } finally {
    await view.close();
    site.server.close();
  }
}

async function typed(page: Page, text: string): Promise<number[]> {
  await page.fill('#text', text);
  await page.waitForFunction((t) => document.getElementById('answer')?.dataset.text === t, text);
  return JSON.parse((await page.getAttribute('#answer', 'data-probabilities')) ?? '[]') as number[];
}

describe('an export in Chromium', () => {
  let launched: Browser | null = null;
  const models: Record<string, string> = {};
  before(() => {
    const dir = tempDir();
    const train = (name: string, extra: string[], data = trainHead(300), size = TINY_TRAIN_FLAGS) => {
      models[name] = join(dir, name);
      const r = sentiment([
        'train',
        data,
        '--out',
        models[name],
        '--epochs',
        '1',
        '--backend',
        'wasm',
        ...size,
        ...extra,
      ]);
      assert.equal(r.code, 0, r.err);
    };
    train('seed', []);
    train('ensemble', ['--preset', 'ensemble']);
    const data = trainHead(300);
    train('vectors', ['--preset', 'vectors', '--embeddings', vectorsFor(data)], data, ['--units', '4']);
  });
  after(async () => {
    await launched?.close();
  });
  /** One Chromium for the file's tests; null after skipping where there is none. */
  const chromiumFor = async (t: TestContext): Promise<Browser | null> => {
    const executablePath = needChromium(t);
    if (!executablePath) return null;
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    launched ??= await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    return launched;
  };

  it("types texts into the page and shows predict --json's numbers, asking nothing of any other server", async (t) => {
    const browser = await chromiumFor(t);
    if (!browser) return;
    for (const [name, model] of Object.entries(models)) {
      const { dir } = exportWeb(model);
      const want = predictJson(join(dir, 'model'), TEXTS, [], null);
      await visit(browser, dir, '', async (view, served) => {
        await view.page.waitForFunction(() => document.body.dataset.state !== 'loading');
        assert.equal(await view.page.evaluate(() => document.body.dataset.state), 'ready', view.errors.join('\n'));
        for (const [i, text] of TEXTS.entries()) {
          close(await typed(view.page, text), want[i].probabilities, `${name}: ${text}`);
          assert.equal(await view.page.textContent('#label'), want[i].label_name);
          assert.equal(await view.page.textContent('#source'), want[i].source === 'memory' ? 'phrase memory' : 'model');
          // Each word of a text the model read, coloured by its push; none for a memory's answer.
          const words = await view.page.locator('#words span.w').count();
          assert.equal(words, want[i].source === 'memory' ? 0 : cleanWords(text).length, `${name}: ${text}`);
        }
        assert.deepEqual(view.errors, [], name);
        assert.deepEqual(view.elsewhere, [], `${name}: nothing asked of another server`);
        const files = new Set(served);
        assert.ok(files.has('/') && files.has('/sentiment.js') && files.has('/model/meta.json'), [...files].join());
        // On WebAssembly, from the binary beside the module.
        assert.ok(files.has('/tfjs-backend-wasm-simd.wasm'), [...files].join());
        assert.match((await view.page.textContent('#status')) ?? '', /\(WebAssembly\)/);
      });
    }
  });

  it("a quantized export's accuracy in the browser is what export printed; another page imports the module", async (t) => {
    const browser = await chromiumFor(t);
    if (!browser) return;
    const model = models.ensemble;
    const { dir, out } = exportWeb(model, ['--quantize', 'uint8']);
    const printed = /accuracy on (\d+) validation rows: ([\d.]+) → ([\d.]+)/.exec(out);
    assert.ok(printed, out);
    // The validation rows, as training held them out.
    const header = await openModelDirectory(model);
    const meta = header.meta;
    assert.ok(meta && header.settings);
    const rows = readFileSync(meta.data_file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    const { valRows } = heldOutRows(
      rows.map((r) => r[1]),
      header.settings,
    );
    assert.equal(valRows.length, Number(printed[1]));
    const texts = Array.from(valRows, (r) => rows[r][2]);
    const labels = Array.from(valRows, (r) => Number(rows[r][3]));
    writeFileSync(
      join(dir, 'second.html'),
      `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
import { load } from './sentiment.js';
const model = await load('model/', { backend: 'cpu' });
window.backend = model.backend;
try { model.predict(['fine', ' ']); } catch (err) { window.refused = err.message; }
window.answers = model.predict(${JSON.stringify(texts)});
</script>`,
    );
    await visit(browser, dir, 'second.html', async (view, served) => {
      await view.page.waitForFunction(() => 'answers' in window);
      const answers = (await view.page.evaluate(() => (window as unknown as { answers: unknown }).answers)) as {
        class_index: number;
      }[];
      const right = answers.filter((a, i) => a.class_index === labels[i]).length;
      assert.equal((right / labels.length).toFixed(4), printed[3]);
      // The plain-JavaScript backend, asked for, agrees with the CLI as WebAssembly does.
      assert.equal(await view.page.evaluate(() => (window as unknown as { backend: string }).backend), 'cpu');
      assert.equal(
        await view.page.evaluate(() => (window as unknown as { refused: string }).refused),
        'texts[1] is empty: give a phrase to classify',
      );
      close(answers, predictJson(join(dir, 'model'), texts, [], null), 'the module in a page of its own');
      assert.deepEqual(view.errors, []);
      assert.deepEqual(view.elsewhere, []);
      assert.ok(!served.includes('/index.html') && !served.includes('/'), 'the page alone, not index.html');
    });
  });

  it('says which file of a damaged export differs from meta.json, and answers nothing', async (t) => {
    const browser = await chromiumFor(t);
    if (!browser) return;
    const { dir } = exportWeb(models.seed);
    const weights = join(dir, 'model', 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] ^= 0x55;
    writeFileSync(weights, bytes);
    await visit(browser, dir, '', async (view) => {
      await view.page.waitForFunction(() => document.body.dataset.state !== 'loading');
      assert.equal(await view.page.evaluate(() => document.body.dataset.state), 'error');
      assert.match(
        (await view.page.textContent('#status')) ?? '',
        /model\/weights\.bin: has other contents than meta\.json says: the export is damaged/,
      );
      assert.equal(await view.page.isDisabled('#text'), true);
    });
  });
});
