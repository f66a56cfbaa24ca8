/** `sentiment report`: a model scored on labelled rows, written as one self-contained HTML page. */
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InputError, SettingError } from '../errors.ts';
import { type EvaluateOptions, scoreFile } from '../evaluate/evaluate-file.ts';
import { checkOutputs } from '../fs/output-gate.ts';
import { writeOutputFile } from '../fs/output-file.ts';
import { openModelDirectory } from '../model/directory.ts';
import { MODEL_FILES } from '../model/files.ts';
import { renderSvg } from '../plot/render.ts';
import { historySpec } from '../plot/spec.ts';
import { THEME } from '../plot/theme.ts';
import { plotTitle } from '../plot/plot-history.ts';
import { confusionSpec, membersSpec, perClassSpec, reliabilitySpec, slicesSpec } from './charts.ts';
import { reportHtml } from './html.ts';
import { reportData } from './report-data.ts';

export interface ReportOptions extends Omit<EvaluateOptions, 'file' | 'validation'> {
  /** Labelled rows to score; default: the validation rows of the model's own training file. */
  file?: string;
  /** The HTML file to write. */
  out: string;
  /** How many of the most confident mistakes to list, explained. */
  mistakes?: number;
}

export interface ReportResult {
  out: string;
  /** The file scored, and whether it was its validation rows. */
  file: string;
  validation: boolean;
  rows: number;
  accuracy: number;
  /** Seconds for everything (reading, scoring, explaining, drawing, writing). */
  seconds: number;
}

export const DEFAULT_MISTAKES = 50;

export async function writeReport(opts: ReportOptions): Promise<ReportResult> {
  const started = performance.now();
  const mistakes = opts.mistakes ?? DEFAULT_MISTAKES;
  if (!Number.isInteger(mistakes) || mistakes < 0)
    throw new SettingError('mistakes', 'must be a whole number, 0 or more', { given: String(mistakes) });
  const file = opts.file ?? (await trainingFile(opts.modelDir));
  await checkOutputs([{ path: opts.out, setting: 'out' }], [file, opts.modelDir]);
  const validation = opts.file === undefined;
  const { html, rows, accuracy } = await scoreFile(
    { ...opts, file, validation },
    async (evaluation, scored, predictor) => {
      const data = reportData(evaluation, scored, predictor, { mistakes });
      const names = evaluation.labelNames;
      const name = basename(resolve(opts.modelDir));
      const charts = {
        curves: await Promise.all(
          data.curves.map(async ({ member, curves }) => ({
            member,
            svg: await renderSvg(historySpec(curves, plotTitle(`${name} (${member})`, curves), THEME.light)),
          })),
        ),
        confusion: await renderSvg(confusionSpec(evaluation.report, names)),
        perClass: await renderSvg(perClassSpec(evaluation.report, names)),
        members: evaluation.parts.length ? await renderSvg(membersSpec(evaluation.parts)) : null,
        reliability: await renderSvg(reliabilitySpec(data.calibration)),
        byLength: await renderSvg(slicesSpec(data.byLength, 'words')),
        byUnknown: data.byUnknown ? await renderSvg(slicesSpec(data.byUnknown, 'unknown words')) : null,
      };
      const title = `${name} on ${validation ? 'its validation rows' : basename(file)}`;
      return {
        html: reportHtml(data, charts, { date: new Date().toISOString().slice(0, 16).replace('T', ' '), title }),
        rows: evaluation.report.count,
        accuracy: evaluation.report.accuracy,
      };
    },
  );
  await writeOutputFile(opts.out, html, 'out');
  return { out: opts.out, file, validation, rows, accuracy, seconds: (performance.now() - started) / 1000 };
}

/** The file the model was trained on, as its meta.json names it. */
async function trainingFile(modelDir: string): Promise<string> {
  const { meta } = await openModelDirectory(modelDir);
  if (!meta?.data_file)
    throw new InputError('does not say which file the model was trained on: name a labelled file to score', {
      file: join(modelDir, MODEL_FILES.meta),
    });
  return meta.data_file;
}
