/**
 * A report opened in a real browser (the system's Chromium, driven by playwright-core) with the network
 * cut: no console error, nothing fetched, every section drawn, the matrix's cells summing to the rows.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { initEngine } from '../../src/engine/engine.ts';
import { writeReport } from '../../src/report/write-report.ts';
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
});
