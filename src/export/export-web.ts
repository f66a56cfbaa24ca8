/**
 * `sentiment export --web DIR`: a model as a folder any static file server can host — index.html, the
 * browser module (sentiment.js), the page's script and the model's files (model/, itself a model
 * directory the CLI loads) — optionally with its weights quantized. Written beside DIR and swapped in
 * whole: nothing half-written, and an existing DIR is replaced only when asked. The model is checked as
 * `predict` checks it before anything is written, and the written copy is loaded back the same way
 * before it is swapped in.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EngineInfo, EngineRequest } from '../engine/engine.ts';
import { InputError, SettingError } from '../errors.ts';
import { evaluateFile } from '../evaluate/evaluate-file.ts';
import { replaceDirectory } from '../fs/atomic-dir.ts';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { checkOutputDirectory } from '../fs/output-dir.ts';
import { isWithin } from '../fs/output-gate.ts';
import { type LoadedModel, loadModelDirectory, saveModelDirectory } from '../model/directory.ts';
import { MODEL_FILES } from '../model/files.ts';
import type { HistoryFile } from '../model/history.ts';
import type { Quantization } from '../model/member.ts';
import { openPredictor } from '../predict/predict-inputs.ts';
import { bundleWebFiles, WEB_FILES } from './bundle.ts';
import { pageHtml } from './page-html.ts';

/** The folder inside an export that holds the model's files. */
export const WEB_MODEL_DIR = 'model';

/**
 * The layer classes the browser module builds: stock tfjs-layers classes, as the seed recipe and the
 * vectors member use them. A layer of any other class (one only this tool's Node engine registers)
 * cannot run in a browser.
 */
export const WEB_LAYER_CLASSES: ReadonlySet<string> = new Set([
  'InputLayer',
  'Embedding',
  'SpatialDropout1D',
  'LSTM',
  'Bidirectional',
  'Dense',
  'Dropout',
  'GlobalMaxPooling1D',
  'GlobalAveragePooling1D',
  'Concatenate',
]);

export interface ExportOptions {
  modelDir: string;
  /** The folder to write (the `web` setting). */
  out: string;
  /**
   * Store the weights so (`quantize`): float16, half the bytes; uint8, a quarter; null, float32. Default:
   * as the model stores them (float16 for a model trained with `float16`, else float32).
   */
  quantize?: Quantization | null;
  /** Replace `out` when it holds files (`force`). */
  force?: boolean;
  /** The model's training file, for the accuracy on its validation rows (`data`); default: the path meta.json records. */
  dataFile?: string;
  backend: EngineRequest;
  onEngine?(engine: EngineInfo): void;
  /** Each step as it starts, in a few words. */
  onStep?(step: string): void;
}

export interface PartSize {
  part: string;
  /** Bytes of the same files in the model directory; null for what the export adds (the page, the module). */
  before: number | null;
  after: number;
}

export type ExportAccuracy =
  | { rows: number; before: number; after: number }
  /** Why it was not measured (no validation rows, the training file not found). */
  | { skipped: string };

export interface ExportResult {
  out: string;
  /** How the export stores the weights (null: float32). */
  quantize: Quantization | null;
  parts: PartSize[];
  accuracy: ExportAccuracy;
  seconds: number;
}

export async function exportWeb(opts: ExportOptions): Promise<ExportResult> {
  const started = performance.now();
  const out = await checkExportDirectory(opts);
  opts.onStep?.('loading and checking the model');
  const { predictor, engine } = await openPredictor({ modelDir: opts.modelDir, backend: opts.backend, work: 'score' });
  opts.onEngine?.(engine);
  const loaded = predictor.loaded;
  let parts: PartSize[] = [];
  let accuracy: ExportAccuracy = { skipped: '' };
  const quantize = opts.quantize !== undefined ? opts.quantize : loaded.settings?.float16 ? 'float16' : null;
  try {
    const meta = loaded.meta;
    if (!meta)
      throw new SettingError(
        'modelDir',
        'is a converted Keras model without meta.json: export needs a model from `sentiment train`',
        { given: loaded.dir },
      );
    await replaceDirectory(out, async (stage) => {
      opts.onStep?.(`writing the model${quantize ? ` (${quantize} weights)` : ''}`);
      const modelOut = join(stage, WEB_MODEL_DIR);
      await saveModelDirectory(modelOut, {
        members: loaded.members.map((member, i) => ({ member, path: meta.members[i].path })),
        memory: loaded.memory,
        history: loaded.history ?? ({ settings: meta.settings, epochs: [], kept_epoch: null } as HistoryFile),
        // A page is public: the training file's name, not where it sat on this machine.
        meta: { ...meta, data_file: basename(meta.data_file) },
        save: { quantize, compactTokenizer: true },
      });
      await refuseNonWebLayers(modelOut, meta.members);
      opts.onStep?.('bundling the browser module');
      const bundled = await bundleWebFiles();
      await writeFileAtomic(join(stage, WEB_FILES.module), bundled.module);
      await writeFileAtomic(join(stage, WEB_FILES.page), bundled.page);
      await writeFileAtomic(join(stage, WEB_FILES.wasm), bundled.wasm);
      await writeFileAtomic(join(stage, WEB_FILES.html), pageHtml(pageText(loaded)));
      opts.onStep?.('loading the written model back');
      // What the page will load, checked as predict checks a model directory (sizes, sha256, weights).
      (await loadModelDirectory(modelOut)).dispose();
      accuracy = await accuracyBeforeAfter(opts, loaded, modelOut);
      parts = await partSizes(
        loaded.dir,
        stage,
        meta.members.map((m) => m.path),
      );
    });
  } finally {
    loaded.dispose();
  }
  return { out, quantize, parts, accuracy, seconds: (performance.now() - started) / 1000 };
}

/** DIR may be new or empty; one with files only with `force`; never the model directory, inside it or around it. */
async function checkExportDirectory(opts: ExportOptions): Promise<string> {
  const out = await checkOutputDirectory(opts.out, 'web', () => true);
  // The model's own path, its links followed as out's are: a link to it names it too.
  const model = await realpath(opts.modelDir).catch(() => resolve(opts.modelDir));
  if (model === out || isWithin(out, model) || isWithin(model, out))
    throw new SettingError(
      'web',
      `must be a folder of its own, not the model directory ${opts.modelDir}, inside it or around it`,
      {
        given: opts.out,
      },
    );
  const entries = await readdir(out).catch(() => [] as string[]);
  if (entries.length > 0 && !opts.force)
    throw new SettingError(
      'web',
      `holds files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); give {force} to replace it whole`,
      { given: opts.out },
    );
  return out;
}

function pageText(loaded: LoadedModel): { name: string; about: string } {
  const kinds = loaded.members.map((m) => m.kind);
  const members =
    kinds.length === 1
      ? `one ${kinds[0]} member`
      : `${kinds.length} members (${[...new Set(kinds)].join(', ')}) blended`;
  const memory = loaded.memory
    ? `, and a phrase memory of ${loaded.memory.size.toLocaleString('en-US')} training phrases`
    : '';
  return {
    name: basename(resolve(loaded.dir)),
    about: `${loaded.labelNames.length} classes (${loaded.labelNames.join(', ')}): ${members}${memory}. It runs in this page; nothing you type leaves it.`,
  };
}

/** Every layer class of every LSTM member's model.json must be one the browser builds. */
async function refuseNonWebLayers(modelOut: string, members: ReadonlyArray<{ kind: string; path: string }>) {
  for (const m of members) {
    if (m.kind === 'ngram') continue;
    const file = join(modelOut, m.path, MODEL_FILES.model);
    const foreign = foreignLayers(JSON.parse(await readFile(file, 'utf8')));
    if (foreign.length)
      throw new InputError(
        `the ${m.kind} member${m.path === '.' ? '' : ` in ${m.path}`} has layers a browser cannot build (${foreign.join(', ')}): only this tool's Node engine registers them`,
        { file: join(m.path, MODEL_FILES.model) },
      );
  }
}

/** The layer classes of a layers model's JSON (model.json, or its topology) that the browser module cannot build. */
export function foreignLayers(json: unknown): string[] {
  return [...new Set(layerClasses(json).filter((c) => !WEB_LAYER_CLASSES.has(c)))];
}

/** Every `class_name` under a layers model's JSON (nested layers, a Bidirectional's wrapped one, included). */
export function layerClasses(json: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, inLayer: boolean) => {
    if (Array.isArray(v)) for (const x of v) walk(x, inLayer);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (inLayer && typeof o.class_name === 'string') found.push(o.class_name);
      for (const [k, x] of Object.entries(o)) walk(x, k === 'layers' || k === 'layer' || (inLayer && k === 'config'));
    }
  };
  walk((json as { modelTopology?: unknown })?.modelTopology ?? json, false);
  return found;
}

/** Accuracy on the model's validation rows, from the model directory and from the export's copy. */
async function accuracyBeforeAfter(
  opts: ExportOptions,
  loaded: LoadedModel,
  modelOut: string,
): Promise<ExportAccuracy> {
  const meta = loaded.meta;
  if (!meta) return { skipped: 'no meta.json' };
  const file = opts.dataFile ?? meta.data_file;
  if (!existsSync(file)) return { skipped: `the training file ${file} is not here (give {data})` };
  opts.onStep?.('accuracy on the validation rows, before and after');
  try {
    const score = async (modelDir: string) =>
      (await evaluateFile({ file, modelDir, backend: opts.backend, validation: true })).report;
    const before = await score(loaded.dir);
    const after = await score(modelOut);
    return { rows: before.count, before: before.accuracy, after: after.accuracy };
  } catch (err) {
    // A model with no validation rows (trained on every row, such as best's fold models) says why.
    if (err instanceof SettingError || err instanceof InputError) return { skipped: err.message };
    throw err;
  }
}

/** Bytes per part of the model, in the model directory and in the export; then what the export adds. */
async function partSizes(modelDir: string, stage: string, memberPaths: string[]): Promise<PartSize[]> {
  const size = (f: string) =>
    stat(f).then(
      (s) => s.size,
      () => 0,
    );
  const sum = async (dir: string, names: string[]) =>
    (await Promise.all(memberPaths.flatMap((p) => names.map((n) => size(join(dir, p, n)))))).reduce((a, b) => a + b, 0);
  const exported = join(stage, WEB_MODEL_DIR);
  const weights = [MODEL_FILES.model, MODEL_FILES.weights, 'ngram.json', 'ngram.bin'];
  const part = async (name: string, files: string[]) => ({
    part: name,
    before: await sum(modelDir, files),
    after: await sum(exported, files),
  });
  const single = async (name: string, file: string) => ({
    part: name,
    before: await size(join(modelDir, file)),
    after: await size(join(exported, file)),
  });
  return [
    await part('weights', weights),
    await part('tokenizers', [MODEL_FILES.tokenizer]),
    await single('phrase memory', 'memory.tsv.gz'),
    {
      part: 'meta.json, history.json',
      before: null,
      after: (await size(join(exported, MODEL_FILES.meta))) + (await size(join(exported, MODEL_FILES.history))),
    },
    { part: WEB_FILES.module, before: null, after: await size(join(stage, WEB_FILES.module)) },
    { part: WEB_FILES.wasm, before: null, after: await size(join(stage, WEB_FILES.wasm)) },
    {
      part: `${WEB_FILES.html}, ${WEB_FILES.page}`,
      before: null,
      after: (await size(join(stage, WEB_FILES.html))) + (await size(join(stage, WEB_FILES.page))),
    },
  ];
}
