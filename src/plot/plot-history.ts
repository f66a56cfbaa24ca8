/** `sentiment plot-history`: history.json in, history.png and history.svg out. */
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError, NotTrainedError, SettingError } from '../errors.ts';
import { checkOutputs } from '../fs/output-gate.ts';
import { writeOutputFile } from '../fs/output-file.ts';
import { readTextFile } from '../fs/read.ts';
import { MODEL_FILES } from '../model/files.ts';
import { curvesFromHistory, finalValAcc, parsePythonJson, type Curves } from './curves.ts';
import { renderSvg, svgToPng } from './render.ts';
import { historySpec } from './spec.ts';
import { THEME, type ThemeName } from './theme.ts';

export const PLOT_FORMATS = ['.png', '.svg'] as const;

export interface PlotOptions {
  /** Model directory whose history.json is drawn. */
  modelDir: string;
  /** A history file elsewhere (ours or Keras' history.history as JSON); overrides modelDir's. */
  historyFile?: string;
  /** One file; its extension picks the format. Default: history.png and history.svg next to the history. */
  out?: string;
  theme: ThemeName;
}

export interface PlotResult {
  written: string[];
  curves: Curves;
  title: string;
}

export async function plotHistory(opts: PlotOptions): Promise<PlotResult> {
  const file = opts.historyFile ?? join(opts.modelDir, MODEL_FILES.history);
  await checkHistoryExists(file, opts);
  const outputs = opts.out ? [opts.out] : ['history.png', 'history.svg'].map((f) => join(dirname(file), f));
  for (const out of outputs) {
    if ((PLOT_FORMATS as readonly string[]).includes(basename(out).toLowerCase()))
      throw new SettingError(
        'out',
        `names no file, only an extension: e.g. ${join(dirname(out), `curves${basename(out)}`)}`,
        {
          given: out,
        },
      );
    if (!(PLOT_FORMATS as readonly string[]).includes(extname(out).toLowerCase()))
      throw new SettingError('out', `must end in ${PLOT_FORMATS.join(' or ')}`, { given: out });
  }
  // The plots beside a model's history are this command's own to redraw; every other file it reads is not.
  await checkOutputs(
    outputs.map((path) => ({ path, setting: 'out' })),
    [file, { path: opts.modelDir, except: ['history.png', 'history.svg'] }],
  );
  const curves = curvesFromHistory(parsePythonJson(await readTextFile(file), file), file);
  const title = plotTitle(opts.historyFile ? basename(file, extname(file)) : basename(resolve(opts.modelDir)), curves);
  const svg = await renderSvg(historySpec(curves, title, THEME[opts.theme]));
  for (const out of outputs) {
    await writeOutputFile(out, extname(out).toLowerCase() === '.png' ? svgToPng(svg).png : svg, 'out');
  }
  return { written: outputs, curves, title };
}

export function plotTitle(name: string, curves: Curves): string {
  const val = finalValAcc(curves);
  const acc = curves.acc[curves.acc.length - 1];
  const n = curves.epochs.length;
  const of = `${n} epoch${n === 1 ? '' : 's'}`;
  if (curves.kept !== null && val !== null)
    return `${name}: kept epoch ${curves.kept} of ${n}, val_acc ${val.toFixed(4)}`;
  const summary =
    val !== null
      ? `final val_acc ${val.toFixed(4)}`
      : acc !== null
        ? `final acc ${acc.toFixed(4)} (no validation)`
        : `${n} epochs`;
  return `${name}: ${summary} after ${of}`;
}

async function checkHistoryExists(file: string, opts: PlotOptions): Promise<void> {
  const s = await stat(file).catch(() => null);
  if (s?.isFile()) return;
  if (s?.isDirectory()) throw new InputError('is a directory, expected a history JSON file', { file });
  if (opts.historyFile) throw new InputError('no such file', { file });
  throw new NotTrainedError('history', opts.modelDir, file);
}
