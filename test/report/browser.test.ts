/**
 * A report opened in a real browser (the system's Chromium, driven by playwright-core) with the network
 * cut: no console error, nothing fetched, every section drawn, the matrix's cells summing to the rows.
 */
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { initEngine } from '../../src/engine/engine.ts';
import { writeReport } from '../../src/report/write-report.ts';
import { DEFAULT_SETTINGS } from '../../src/settings.ts';
import { runTraining } from '../../src/train/train-model.ts';
import { needChromium, tempDir, tinyModel } from '../helpers.ts';
import { SECTIONS } from './sections.ts';

/** Vega marks each section must draw (role-mark groups of that type, at least this many marks). */
const DRAWN: Record<string, [string, number][]> = {
  curves: [['line', 2]],
  confusion: [['rect', 25]],
  classes: [['rect', 15]],
  calibration: [['symbol', 1]],
  slices: [['rect', 1]],
};

describe('sentiment report in Chromium', () => {
  let browser: Browser | null = null;
  before(async () => {
    await initEngine('wasm');
  });
  after(async () => {
    await browser?.close();
  });

  it('opens offline with no console error, every section drawn, and the matrix summing to the rows', async (t) => {
    const executablePath = needChromium(t);
    if (!executablePath) return;
    const model = await tinyModel({ rows: 400, epochs: 2 });
    const dir = tempDir();
    const out = join(dir, 'report.html');
    const report = await writeReport({ modelDir: model, out, backend: 'wasm' });
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    const context = await browser.newContext({ offline: true, viewport: { width: 1240, height: 900 } });
    const fetched: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      fetched.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
    assert.deepEqual(errors, []);
    assert.deepEqual(fetched, [], 'the page asks for nothing outside the file');
    for (const id of SECTIONS) {
      const box = await page.locator(`section#${id}`).boundingBox();
      assert.ok(box && box.width > 0 && box.height > 0, `section ${id} is laid out`);
    }
    for (const [id, marks] of Object.entries(DRAWN))
      for (const [type, least] of marks) {
        const n = await page.locator(`section#${id} svg g.mark-${type}.role-mark > *`).count();
        assert.ok(n >= least, `section ${id}: ${n} ${type} marks, expected ${least} or more`);
      }
    const cells = await page.$$eval('section#confusion td[data-true]', (tds) =>
      tds.map((td) => Number((td.textContent ?? '').replace(/,/g, ''))),
    );
    assert.equal(cells.length, 25);
    assert.equal(
      cells.reduce((a, b) => a + b, 0),
      report.rows,
    );
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000, `a screenshot in ${shot}`);
  });

  it('holds its layout under hostile text: a 300-character word, twenty long class names, a direction override', async (t) => {
    const executablePath = needChromium(t);
    if (!executablePath) return;
    const dir = tempDir();
    const names = Array.from({ length: 20 }, (_, i) => `class-${i}-${'verylongname'.repeat(6)}`);
    const long = 'x'.repeat(300);
    const rows = ['text\tlabel'];
    for (let r = 0; r < 200; r++)
      rows.push(`${r % 3 ? 'good film' : `${long} \u202eevil\u202c film`} ${r}\t${names[r % names.length]}`);
    const data = join(dir, 'hostile.tsv');
    writeFileSync(data, `${rows.join('\n')}\n`);
    const model = join(dir, 'model');
    await runTraining({
      ...DEFAULT_SETTINGS,
      out: model,
      dataFile: data,
      epochs: 1,
      batchSize: 64,
      maxWords: 500,
      embeddingDim: 4,
      units: 4,
      denseUnits: 4,
      backend: 'wasm',
    });
    const out = join(dir, 'report.html');
    await writeReport({ modelDir: model, file: data, out, backend: 'wasm', memory: false });
    browser ??= await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    const page = await (await browser.newContext({ offline: true, viewport: { width: 1240, height: 900 } })).newPage();
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
    const layout = await page.evaluate(() => {
      const spilled = [...document.querySelectorAll('td, th')]
        .filter((c) => c.scrollWidth > c.clientWidth + 1)
        .map((c) => (c.textContent ?? '').slice(0, 40));
      const wide = [...document.querySelectorAll('section')]
        .filter((s) => s.scrollWidth > document.body.clientWidth)
        .map((s) => s.id);
      return { page: document.documentElement.scrollWidth, spilled, wide };
    });
    const card = (await page.textContent('section#card')) ?? '';
    assert.equal(card.split(names[0]).length - 1, 1, 'a class named by a word is named once on the card');
    assert.ok(layout.page <= 1240, `the page is ${layout.page} px wide in a 1240 px window`);
    assert.deepEqual(layout.spilled, [], 'no cell spills over its neighbours');
    assert.deepEqual(layout.wide, [], 'no section is wider than the page');
  });
});
