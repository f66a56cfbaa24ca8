/** `sentiment report`: a model scored on labelled rows, written as one self-contained HTML page. */
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
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
  /** Labelled rows to score; default: what defaultInput chooses for the model. */
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
  const { file, validation } = opts.file ? { file: opts.file, validation: false } : await defaultInput(opts.modelDir);
  await checkOutputs([{ path: opts.out, setting: 'out' }], [file, opts.modelDir]);
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

/**
 * What `report` scores when no file is named, by the kind of model: the rows training held out of its
 * file (validation: true); a model validated on a file of its own, that file whole; a model that held no
 * row out (every row trained a fold model, or no validation split) has nothing of its own to score, and
 * the refusal says so and what to give instead.
 */
export async function defaultInput(modelDir: string): Promise<{ file: string; validation: boolean }> {
  const { meta, settings } = await openModelDirectory(modelDir);
  const metaPath = join(modelDir, MODEL_FILES.meta);
  const name = 'name a labelled file to score (sentiment report FILE)';
  if (!meta)
    throw new InputError(`no record of the model's training data is here (no ${MODEL_FILES.meta}): ${name}`, {
      file: modelDir,
    });
  const present = async (path: string, what: string) => {
    if ((await stat(path).catch(() => null))?.isFile()) return path;
    throw new InputError(
      `records the model's ${what} as ${path}${isAbsolute(path) ? '' : ', relative to the directory train ran in'}, and it is not here (${resolve(path)}): ${name}`,
      { file: metaPath },
    );
  };
  if (settings?.validationFile)
    return { file: await present(settings.validationFile, 'validation file'), validation: false };
  if (meta.bagging)
    throw new InputError(
      `the model trained on every row (its ${meta.bagging.folds} fold models are its members), so it held none out to score: ${name}, one it did not train on`,
      { file: metaPath },
    );
  if (settings && settings.validationSplit <= 0)
    throw new InputError(`the model was trained without a validation split, so it held no row out: ${name}`, {
      file: metaPath,
    });
  if (!meta.data_file)
    throw new InputError(`does not say which file the model was trained on: ${name}`, { file: metaPath });
  return { file: await present(meta.data_file, 'training file'), validation: true };
}
