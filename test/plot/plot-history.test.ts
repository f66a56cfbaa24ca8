import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { PNG_SCALE } from '../../src/plot/render.ts';
import { NotTrainedError, SettingError } from '../../src/errors.ts';
import { plotHistory } from '../../src/plot/plot-history.ts';
import { THEME, type ThemeName } from '../../src/plot/theme.ts';
import { FIXTURES, tempDir } from '../helpers.ts';

function modelDirWith(fixture: string): string {
  const dir = tempDir();
  copyFileSync(join(FIXTURES, 'history', fixture), join(dir, 'history.json'));
  return dir;
}

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** Pixels within `tol` of a colour, in the column range [x0, x1) of the image. */
function countColour(png: PNG, hex: string, x0: number, x1: number, y0 = 0, y1 = png.height, tol = 24): number {
  const [r, g, b] = rgb(hex);
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * png.width + x) * 4;
      if (
        Math.abs(png.data[i] - r) <= tol &&
        Math.abs(png.data[i + 1] - g) <= tol &&
        Math.abs(png.data[i + 2] - b) <= tol
      )
        n++;
    }
  }
  return n;
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  assert.ok(m, 'svg has width and height');
  return { width: Number(m[1]), height: Number(m[2]) };
}

describe('plot-history pictures', () => {
  for (const [fixture, theme] of [
    ['eight-epochs.json', 'dark'],
    ['one-epoch.json', 'dark'],
    ['keras-acc.json', 'light'],
    ['keras-accuracy.json', 'dark'],
  ] as [string, ThemeName][]) {
    it(`draws ${fixture} (${theme}): a PNG of the SVG's size ×${PNG_SCALE} with both curves in both panels and text in the title band`, async () => {
      const dir = modelDirWith(fixture);
      const result = await plotHistory({ modelDir: dir, theme });
      assert.deepEqual(result.written, [join(dir, 'history.png'), join(dir, 'history.svg')]);
      const svg = readFileSync(join(dir, 'history.svg'), 'utf8');
      assert.ok(svg.includes('>Loss<') && svg.includes('>Accuracy<'), 'both panel titles');
      assert.ok(svg.includes('>Epochs<'), 'axis title');
      assert.match(svg, /final val_acc 0\.\d{4} after \d epochs?/);

      const png = PNG.sync.read(readFileSync(join(dir, 'history.png')));
      const size = svgSize(svg);
      assert.equal(png.width, Math.round(size.width * PNG_SCALE));
      assert.equal(png.height, Math.round(size.height * PNG_SCALE));
      const colours = THEME[theme];
      assert.deepEqual([png.data[0], png.data[1], png.data[2]], rgb(colours.background), 'background');
      // Panels: left half and the right half before the legend.
      const half = png.width >> 1;
      const legendX = Math.round(png.width * 0.86);
      for (const colour of [colours.training, colours.validation]) {
        assert.ok(countColour(png, colour, 0, half) > 100, `${colour} in the loss panel`);
        assert.ok(countColour(png, colour, half, legendX) > 100, `${colour} in the accuracy panel`);
      }
      // Text drawn with the bundled font: foreground pixels in the title band.
      assert.ok(
        countColour(png, colours.foreground, 0, png.width, 0, Math.round(png.height * 0.08)) > 200,
        'title text is drawn',
      );
    });
  }

  it('writes one file when --out names it, the extension picking the format', async () => {
    const dir = modelDirWith('eight-epochs.json');
    const out = join(tempDir(), 'curves.svg');
    const r = await plotHistory({ modelDir: dir, out, theme: 'light' });
    assert.deepEqual(r.written, [out]);
    assert.ok(readFileSync(out, 'utf8').startsWith('<svg'));
    assert.ok(!existsSync(join(dir, 'history.png')));
    await assert.rejects(
      plotHistory({ modelDir: dir, out: join(tempDir(), 'x.jpg'), theme: 'dark' }),
      (err: unknown) =>
        err instanceof SettingError && err.setting === 'out' && /must end in \.png or \.svg/.test(err.problem),
    );
  });

  it('says where it looked and how to make a history when there is none, writing nothing', async () => {
    const dir = tempDir();
    await assert.rejects(
      plotHistory({ modelDir: dir, theme: 'dark' }),
      (err: unknown) =>
        err instanceof NotTrainedError && err.what === 'history' && err.file === join(dir, 'history.json'),
    );
    writeFileSync(join(dir, 'history.json'), '{"epochs": [');
    await assert.rejects(plotHistory({ modelDir: dir, theme: 'dark' }), /history\.json: is not valid JSON/);
    assert.ok(!existsSync(join(dir, 'history.png')));
  });
});
