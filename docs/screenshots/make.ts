/**
 * Redraws the README's pictures from the trained default model (models/sentiment): a report on its
 * validation rows, `predict --explain` as a terminal shows it, and its export's page served from 127.0.0.1. Needs Chromium (apt's `chromium`,
 * or CHROMIUM_PATH). Run: npm run build && node --import tsx docs/screenshots/make.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = new URL('../..', import.meta.url).pathname;
const HERE = join(ROOT, 'docs', 'screenshots');
const BIN = join(ROOT, 'bin', 'sentiment');
const tmp = mkdtempSync(join(tmpdir(), 'screenshots-'));

/** chalk's SGR codes as spans (only those the CLI writes). */
function ansiToHtml(text: string): string {
  const FG: Record<string, string> = { 31: '#ff6b6b', 32: '#69db7c', 33: '#ffd43b', 36: '#66d9e8', 90: '#909296', 37: '#ffffff' };
  let open = 0;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences start with ESC
  const html = esc(text).replace(/\u001b\[(\d+(?:;\d+)*)m/g, (_, codes: string) => {
    let out = '';
    for (const c of codes.split(';')) {
      if (c === '0' || c === '39' || c === '22') {
        if (open) out += '</span>';
        open = Math.max(0, open - 1);
      } else if (c === '1') {
        out += '<span style="font-weight:bold">';
        open++;
      } else if (c === '2') {
        out += '<span style="opacity:.6">';
        open++;
      } else if (FG[c]) {
        out += `<span style="color:${FG[c]}">`;
        open++;
      }
    }
    return out;
  });
  return `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#1e1e1e"><pre style="margin:0;padding:16px 20px;color:#e0e0e0;font:15px/1.4 'DejaVu Sans Mono',monospace;display:inline-block">${html}</pre></body>`;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1240, height: 900 }, deviceScaleFactor: 1 });
  const report = join(tmp, 'report.html');
  process.stdout.write(execFileSync(process.execPath, [BIN, 'report', '--out', report], { encoding: 'utf8' }));
  await page.goto(pathToFileURL(report).href);
  await page.screenshot({ path: join(HERE, 'report.png'), clip: { x: 0, y: 0, width: 1240, height: 1500 }, fullPage: true });
  const mistakes = await page.locator('section#mistakes').boundingBox();
  if (mistakes)
    await page.screenshot({
      path: join(HERE, 'report-mistakes.png'),
      clip: { x: 0, y: mistakes.y, width: 1240, height: Math.min(700, mistakes.height) },
      fullPage: true,
    });
  const texts = ['not a good film , but the actors are wonderful', 'a dull , lifeless and overlong movie'];
  const out = execFileSync(process.execPath, [BIN, 'predict', '--explain', '--no-memory', ...texts], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '1' },
  });
  const term = join(tmp, 'explain.html');
  writeFileSync(term, ansiToHtml(`$ sentiment predict --explain --no-memory "…" "…"\n${out}`));
  await page.goto(pathToFileURL(term).href);
  await page.locator('pre').screenshot({ path: join(HERE, 'explain.png') });
  const site = join(tmp, 'site');
  execFileSync(process.execPath, [BIN, 'export', '--web', site, '--quantize', 'float16'], { stdio: 'inherit' });
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(site, path.endsWith('/') ? `${path}index.html` : path);
    try {
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const shown = await browser.newPage({ viewport: { width: 980, height: 640 } });
  await shown.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
  await shown.waitForFunction(() => document.body.dataset.state === 'ready');
  const typed = 'the acting is fine , but the story is a tired , predictable mess';
  await shown.fill('#text', typed);
  await shown.waitForFunction((t) => document.getElementById('answer')?.dataset.text === t, typed);
  await shown.screenshot({ path: join(HERE, 'export.png'), fullPage: true });
  server.close();
} finally {
  await browser.close();
}
