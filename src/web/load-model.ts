/**
 * A model folder written by `sentiment export`, loaded in the browser from its URL: meta.json says the
 * members, the blend and the memory; each member's files are fetched beside it. The export checked the
 * model with the CLI's own checks; here each file is still refused, naming its URL, if it is not what
 * meta.json says it is (missing, another size, another sha256).
 */
import { CLEANING_VERSION } from '../data/clean.ts';
import { Tokenizer, type WordIndexFacts } from '../data/tokenizer.ts';
import { InputError } from '../errors.ts';
import { blendProblem, type Blend } from '../model/blend.ts';
import type { MemberEntry, MemberScorer } from '../model/member.ts';
import { MEMORY_FILE, PhraseMemory } from '../model/memory.ts';
import { NGRAM_FILES, NgramScorer, type NgramJson, parseNgramFiles } from '../model/ngram/scorer.ts';
import { factsOfCheckedFiles, type TokenizerFacts, tokenizerFactsProblem } from '../model/tokenizer-facts.ts';
import type { AnsweringModel } from '../predict/predictor.ts';
import { SequenceMember } from './sequence-member.ts';
import * as tf from './tf.ts';

/** The part of meta.json the browser needs. */
interface WebMeta {
  cleaning_version: number;
  labels: string[];
  label_names: string[];
  members: MemberEntry[];
  blend: Blend | null;
  memory: { phrases: number } | null;
  files?: Record<string, { bytes: number; sha256: string }>;
  tokenizer_facts?: Record<string, TokenizerFacts>;
}

export interface WebModel extends AnsweringModel {
  members: MemberScorer[];
  dispose(): void;
}

/**
 * Loads the model folder at `base` (a URL ending in `/`). Its files are fetched and checked while
 * `backendReady` settles (a WebAssembly binary compiling); the layers models are built after it.
 */
export async function loadWebModel(
  base: URL,
  backendReady: Promise<unknown> = Promise.resolve(),
  fetchFile: typeof fetch = fetch,
): Promise<WebModel> {
  const files = new FileFetcher(base, fetchFile, backendReady);
  const meta = checkMeta(JSON.parse(await files.text('meta.json')), files.where('meta.json'));
  files.expected = meta.files ?? null;
  // Each file is fetched checked against meta.files' sha256: a record of the same sha256 skips the pass.
  const facts = factsOfCheckedFiles(meta.tokenizer_facts, meta.files);
  const memory = meta.memory
    ? files.gunzipped(MEMORY_FILE).then((t) => PhraseMemory.parse(t, meta.label_names.length, files.where(MEMORY_FILE)))
    : Promise.resolve(null);
  const settled = await Promise.allSettled(meta.members.map((e) => loadMember(files, e, facts)));
  const members = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r) => r.status === 'rejected');
  // The LSTMs hold tfjs tensors; the n-gram scorer's arrays go with the garbage.
  const dispose = () => members.forEach((m) => m instanceof SequenceMember && m.dispose());
  if (failed) {
    dispose();
    throw failed.reason;
  }
  return {
    dir: base.href,
    labels: meta.labels,
    labelNames: meta.label_names,
    members,
    blend: meta.blend,
    memory: await memory,
    dispose,
  };
}

async function loadMember(
  files: FileFetcher,
  entry: MemberEntry,
  facts: ReadonlyMap<string, WordIndexFacts>,
): Promise<MemberScorer> {
  const at = (name: string) => (entry.path === '.' ? name : `${entry.path}/${name}`);
  if (entry.kind === 'ngram') {
    const paths = { config: at(NGRAM_FILES.config), weights: at(NGRAM_FILES.weights) };
    const [config, bytes] = await Promise.all([files.text(paths.config), files.bytes(paths.weights)]);
    const { vectorizer, model } = parseNgramFiles(JSON.parse(config) as NgramJson, bytes, {
      config: files.where(paths.config),
      weights: files.where(paths.weights),
    });
    return new NgramScorer(vectorizer, model);
  }
  const [tokenizerText, model] = await Promise.all([
    files.text(at('tokenizer.json')),
    files.layersModel(at('model.json'), at('weights.bin')),
  ]);
  let tokenizer: Tokenizer;
  try {
    tokenizer = Tokenizer.fromKerasJson(tokenizerText, facts.get(at('tokenizer.json')) ?? null);
  } catch (err) {
    model.dispose();
    throw new InputError((err as Error).message, { file: files.where(at('tokenizer.json')) });
  }
  return new SequenceMember(model, tokenizer, { maxLen: entry.max_len, batching: entry.batching }, entry.kind);
}

function checkMeta(json: unknown, file: string): WebMeta {
  const bad = (what: string) => new InputError(what, { file });
  const m = (json ?? {}) as Partial<WebMeta>;
  if (m.cleaning_version !== CLEANING_VERSION)
    throw bad(
      `cleaning_version ${JSON.stringify(m.cleaning_version)} differs from this module's (${CLEANING_VERSION})`,
    );
  if (!Array.isArray(m.labels) || !Array.isArray(m.label_names) || m.labels.length !== m.label_names.length)
    throw bad('labels and label_names must be lists of the same length');
  if (!Array.isArray(m.members) || m.members.length === 0) throw bad('lists no members');
  for (const e of m.members)
    if (
      !['lstm', 'bilstm', 'ngram'].includes(e?.kind) ||
      typeof e.path !== 'string' ||
      e.path.split('/').includes('..')
    )
      throw bad(`a member entry this module cannot load: ${JSON.stringify(e)}`);
  if (m.blend != null) {
    const problem = blendProblem(m.blend, m.members.length);
    if (problem) throw bad(problem);
  }
  if (m.tokenizer_facts !== undefined) {
    // Paths are only looked up here, never followed: any name is harmless.
    const problem = tokenizerFactsProblem(m.tokenizer_facts, () => false);
    if (problem) throw bad(problem);
  }
  return { ...m, blend: m.blend ?? null, memory: m.memory ?? null } as WebMeta;
}

/** The folder's files, each fetched once and checked against meta.json's size and sha256. */
class FileFetcher {
  expected: WebMeta['files'] | null = null;
  private readonly get: (url: string) => Promise<Response>;

  constructor(
    readonly base: URL,
    fetchFile: typeof fetch,
    private readonly backendReady: Promise<unknown>,
  ) {
    // Called as a plain function: the browser's fetch refuses any other `this` than the window.
    this.get = (url) => fetchFile(url);
  }

  where(name: string): string {
    return new URL(name, this.base).href;
  }

  async bytes(name: string): Promise<Uint8Array<ArrayBuffer>> {
    const url = this.where(name);
    const response = await this.get(url);
    if (!response.ok) throw new InputError(`could not be fetched (HTTP ${response.status})`, { file: url });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const want = this.expected?.[name];
    if (want) {
      if (bytes.byteLength !== want.bytes)
        throw new InputError(`has ${bytes.byteLength} bytes, meta.json says ${want.bytes}: the export is damaged`, {
          file: url,
        });
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
      if (hex !== want.sha256)
        throw new InputError('has other contents than meta.json says: the export is damaged', { file: url });
    }
    return bytes;
  }

  async text(name: string): Promise<string> {
    return new TextDecoder().decode(await this.bytes(name));
  }

  async gunzipped(name: string): Promise<string> {
    const stream = new Blob([await this.bytes(name)]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text();
  }

  /** model.json and its one weights file, checked, handed to tfjs as they are (it decodes quantized weights). */
  async layersModel(modelName: string, weightsName: string): Promise<tf.LayersModel> {
    const [json, weights] = await Promise.all([this.text(modelName), this.bytes(weightsName)]);
    const parsed = JSON.parse(json) as {
      modelTopology: object;
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const manifest = parsed.weightsManifest;
    if (manifest.length !== 1 || manifest[0].paths.length !== 1)
      throw new InputError('expected one weights file', { file: this.where(modelName) });
    const data = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    await this.backendReady;
    try {
      return await tf.loadLayersModel(
        tf.io.fromMemory({ modelTopology: parsed.modelTopology, weightSpecs: manifest[0].weights, weightData: data }),
      );
    } catch (err) {
      throw new InputError(`is not a model tfjs can build (${(err as Error).message.split('\n')[0]})`, {
        file: this.where(modelName),
      });
    }
  }
}
