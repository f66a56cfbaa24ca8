/**
 * The browser module `sentiment export` writes as sentiment.js: `load(url)` a model folder, then
 * `predict(texts)` gives the objects `sentiment predict --json` prints, from the CLI's own cleaning,
 * tokenizer, members, blend and phrase memory (one source, bundled by esbuild; no Node API on this path).
 *
 *   import { load } from './sentiment.js';
 *   const model = await load('./model/');
 *   model.predict(['a gorgeous , witty film']); // [{ text, label, label_name, class_index, probabilities, source }]
 */
import { InputError } from '../errors.ts';
import { Predictor } from '../predict/predictor.ts';
import { explainPredictions } from '../predict/explain.ts';
import { type PredictionObject, predictionObject } from '../predict/prediction-json.ts';
import { loadWebModel, type WebModel } from './load-model.ts';
import * as tf from './tf.ts';

export type { PredictionObject };
export type { WordContribution } from '../predict/explain.ts';

/** Where the model's arithmetic runs: WebAssembly (SIMD), or plain JavaScript. */
export type Backend = 'wasm' | 'cpu';

export interface LoadOptions {
  /** Default: wasm, falling back to cpu where WebAssembly with SIMD cannot start. The answers agree within 1e-5. */
  backend?: Backend;
}

export interface PredictOptions {
  /** Each word's push toward the answer, as `predict --explain` (one more pass per word). */
  explain?: boolean;
  /** Answer training phrases from the phrase memory (default true), as `predict` does. */
  memory?: boolean;
}

export class SentimentModel {
  private readonly withMemory: Predictor<WebModel>;
  private readonly withoutMemory: Predictor<WebModel>;

  constructor(
    readonly model: WebModel,
    /** The tfjs backend it runs on. */
    readonly backend: Backend,
  ) {
    this.withMemory = new Predictor(model);
    this.withoutMemory = new Predictor(model, { memory: false });
  }

  /** Each class's label as the training data wrote it, and its name, in probability order. */
  get labels(): readonly string[] {
    return this.model.labels;
  }

  get labelNames(): readonly string[] {
    return this.model.labelNames;
  }

  /** One object per text, in order: what `sentiment predict --json` prints for it. */
  predict(texts: string | readonly string[], opts: PredictOptions = {}): PredictionObject[] {
    const list = typeof texts === 'string' ? [texts] : [...texts];
    list.forEach((t, i) => {
      if (typeof t !== 'string' || t.trim() === '')
        throw new InputError(`texts[${i}] is ${typeof t === 'string' ? 'empty' : typeof t}: give a phrase to classify`);
    });
    const predictor = opts.memory === false ? this.withoutMemory : this.withMemory;
    const { predictions } = predictor.predict(list);
    const why = opts.explain ? explainPredictions(predictor, list, predictions) : null;
    return predictions.map((p, i) => predictionObject({ ...p, text: list[i] }, why ? { explanation: why[i] } : {}));
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Loads the model folder at `url` (default: `model/` beside the page). */
export async function load(url: string | URL = 'model/', opts: LoadOptions = {}): Promise<SentimentModel> {
  const base = new URL(url, globalThis.location?.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  // The model's files download while the backend starts (WebAssembly compiles off the main thread).
  const backend = startBackend(opts.backend ?? 'wasm');
  const [model, started] = await Promise.all([loadWebModel(base, backend), backend]);
  return new SentimentModel(model, started);
}

/** The backend asked for, or cpu where wasm cannot start (its file missing, no SIMD, a policy against WebAssembly). */
async function startBackend(want: Backend): Promise<Backend> {
  if (tf.getBackend() === want) return want;
  if (want === 'wasm') {
    // The SIMD binary beside this module (export ships tf.WASM_FILE alone: a browser without SIMD finds
    // no file and runs on cpu); threads would need a cross-origin-isolated page, so none.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.setWasmPaths(new URL('./', import.meta.url).href);
    if (await tf.setBackend('wasm').catch(() => false)) return 'wasm';
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}
