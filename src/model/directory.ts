/**
 * The model directory as a whole: written as one change (readers see the old model or the new one),
 * and opened for use. Ours holds meta.json, history.json and each member's files (the first member's at
 * the top, where tfjs and Keras tooling look); the seed's Keras recipe converted by
 * tensorflowjs_converter (model.json, its weight shards, tokenizer.json, no meta.json) opens too.
 * Every check names the file it is about.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { KAGGLE_CLASSES } from '../data/labels.ts';
import { tokenizerJsonFacts } from '../data/tokenizer.ts';
import { MAX_LEN_CAP } from '../data/prepare.ts';
import { InputError, NotTrainedError } from '../errors.ts';
import { recoverDirectory, replaceDirectory, type StagedHook } from '../fs/atomic-dir.ts';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { type FileDigest, fileDigest, readDigested } from '../fs/digest.ts';
import { asInputError, readJsonFile, withBytesRead } from '../fs/read.ts';
import { settingsFromJson, type RunSettings } from '../settings.ts';
import { MODEL_FILES, saveJson, withTokenizerFacts } from './files.ts';
import type { HistoryFile } from './history.ts';
import { MEMBER_KINDS, type Member, type SaveMemberOptions } from './member.ts';
import type { Blend } from './blend.ts';
import { MEMORY_FILE, type PhraseMemory } from './memory.ts';
import { loadMemory, saveMemory } from './memory-file.ts';
import { metaFromJson, type ModelMeta, type TokenizerFacts } from './meta.ts';
import { factsOfCheckedFiles } from './tokenizer-facts.ts';
import { NGRAM_FILES } from './ngram/scorer.ts';
import type { SpeedLayer } from '../engine/speed-layer.ts';

export { DEFAULT_MODEL_DIR } from '../settings.ts';

/** What a model directory says before any member is loaded: enough to answer from the phrase memory. */
export interface ModelHeader {
  dir: string;
  /** 'sentiment': written by this tool (meta.json); 'keras': the seed's converted Keras model. */
  layout: 'sentiment' | 'keras';
  meta: ModelMeta | null;
  history: HistoryFile | null;
  /** How it was trained, where the directory says. */
  settings: RunSettings | null;
  /** Each class's label as the training data wrote it, and its name. */
  labels: string[];
  labelNames: string[];
  memory: PhraseMemory | null;
  /**
   * The bytes of every file meta.json lists, read and checked once: the members load from them.
   * Rejects naming the first file (in meta.json's order) that differs from what meta.json says.
   */
  files?: Promise<ReadonlyMap<string, Buffer>>;
}

export interface OpenOptions {
  /**
   * Resolve once the phrase memory is read and checked, the other files still being read and checked
   * (`files` settles when they are): a cold start loads TensorFlow.js meanwhile. Whoever answers from
   * the header alone must await `files` first, so a damaged directory is refused all the same.
   */
  early?: boolean;
}

export interface LoadedModel extends Omit<ModelHeader, 'files'> {
  members: Member[];
  /** How the members' probabilities combine; null with one member. */
  blend: Blend | null;
  dispose(): void;
}

/** Checks a model directory and reads its records and phrase memory; loads no member (no TensorFlow.js). */
export async function openModelDirectory(dir: string, opts: OpenOptions = {}): Promise<ModelHeader> {
  // Through a link, the lock and staging directory sit beside the directory it names.
  await recoverDirectory(await realpath(dir).catch(() => dir)).catch(() => undefined);
  const files = await listDirectory(dir);
  if (!files.includes(MODEL_FILES.model) && !files.includes(MODEL_FILES.tokenizer))
    throw new NotTrainedError('model', dir);
  for (const f of [MODEL_FILES.model, MODEL_FILES.tokenizer]) {
    if (!files.includes(f)) throw new InputError('missing', { file: join(dir, f) });
  }
  const history = files.includes(MODEL_FILES.history)
    ? await readJsonFile<HistoryFile & { params?: unknown }>(join(dir, MODEL_FILES.history))
    : null;
  const metaPath = join(dir, MODEL_FILES.meta);
  const meta = files.includes(MODEL_FILES.meta)
    ? metaFromJson(await readJsonFile<unknown>(metaPath), metaPath, history?.params ?? null)
    : null;
  const checking = meta?.files ? checkFiles(dir, meta.files) : null;
  // Early, the memory waits for its own file's check alone; else for every file's.
  const memoryFile = join(dir, MEMORY_FILE);
  const memoryBytes = checking?.each.get(memoryFile);
  const forMemory = opts.early
    ? new Map(memoryBytes ? [[memoryFile, await memoryBytes] as const] : [])
    : ((await checking?.all) ?? new Map<string, Buffer>());
  return {
    dir,
    layout: meta ? 'sentiment' : 'keras',
    meta,
    history,
    settings: meta?.settings ? settingsFromJson(meta.settings, metaPath) : null,
    labels: meta ? meta.labels : [...KAGGLE_CLASSES.labels],
    labelNames: meta ? meta.label_names : [...KAGGLE_CLASSES.names],
    memory: meta?.memory ? await withBytesRead(forMemory, () => loadMemory(dir, meta.label_names.length)) : null,
    ...(checking ? { files: checking.all } : {}),
  };
}

/**
 * Opens a model directory (or takes the header already read) and loads its members, handing their
 * LSTMs the running engine's `speed` layer (null: tfjs' public API alone).
 */
export async function loadModelDirectory(
  dir: string,
  opened?: ModelHeader,
  speed: SpeedLayer | null = null,
): Promise<LoadedModel> {
  const header = opened ?? (await openModelDirectory(dir));
  const { meta } = header;
  // Loaded here: the members bring TensorFlow.js, which answering from memory does without.
  const { loadMember } = await import('./members.ts');
  const { RecurrentMember } = await import('./recurrent-member.ts');
  const members: Member[] = [];
  try {
    if (meta) {
      // All at once: one member's files are read while another's are parsed (best: ten members, 265 MB);
      // those meta.json lists come from the bytes checked against it.
      const settled = await withBytesRead((await header.files) ?? new Map(), () =>
        withTokenizerFacts(dir, factsOfCheckedFiles(meta.tokenizer_facts, meta.files), () =>
          Promise.allSettled(meta.members.map((e) => loadMember(dir, e, speed))),
        ),
      );
      for (const r of settled) if (r.status === 'fulfilled') members.push(r.value);
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    } else {
      // The seed pre-pads every phrase to the model's fixed input length.
      members.push(
        await RecurrentMember.load(
          dir,
          (model) => {
            const steps = model.inputs[0]?.shape[1];
            return typeof steps === 'number'
              ? { maxLen: steps, batching: 'max' }
              : { maxLen: MAX_LEN_CAP, batching: 'group' };
          },
          'lstm',
          speed,
        ),
      );
    }
  } catch (err) {
    for (const m of members) m.dispose();
    throw err;
  }
  const classes = header.labelNames.length;
  const wrong = members.find((m) => m.numClasses !== classes);
  if (wrong) {
    for (const m of members) m.dispose();
    throw new InputError(
      `lists ${classes} classes, but the ${wrong.kind} member gives ${wrong.numClasses}: the files do not belong together`,
      { file: join(dir, meta ? MODEL_FILES.meta : MODEL_FILES.model) },
    );
  }
  // The checked bytes are the members' now (or garbage): the model does not hold them twice.
  const { files: _, ...rest } = header;
  return { ...rest, members, blend: meta?.blend ?? null, dispose: () => members.forEach((m) => m.dispose()) };
}

async function listDirectory(dir: string): Promise<string[]> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new InputError('is a file, expected a model directory', { file: dir });
    return await readdir(dir);
  } catch (err) {
    if (err instanceof InputError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotTrainedError('model', dir);
    throw new InputError((err as Error).message, { file: dir });
  }
}

/**
 * Every file meta.json lists is there with the size and sha256 it was saved with: each file's checked
 * bytes, by path, and all of them (rejecting with the first damaged in meta.json's order).
 */
function checkFiles(
  dir: string,
  files: Record<string, FileDigest>,
): { each: Map<string, Promise<Buffer>>; all: Promise<Map<string, Buffer>> } {
  // Every file at once: one is read while another is hashed.
  const each = new Map(
    Object.entries(files).map(([path, want]) => {
      const file = join(dir, path);
      return [file, checkFile(file, want)] as const;
    }),
  );
  const all = Promise.allSettled(each.values()).then((checked) => {
    const read = new Map<string, Buffer>();
    const paths = [...each.keys()];
    checked.forEach((r, i) => {
      if (r.status === 'rejected') throw r.reason;
      read.set(paths[i], r.value);
    });
    return read;
  });
  // Settled by whoever awaits it; a caller that stops first (an error of its own) leaves no unhandled rejection.
  all.catch(() => undefined);
  return { each, all };
}

async function checkFile(file: string, want: FileDigest): Promise<Buffer> {
  const size = await stat(file).then(
    (s) => s.size,
    () => null,
  );
  if (size === null) throw new InputError('missing (meta.json lists it)', { file });
  const damaged = (what: string) =>
    new InputError(
      `${what} than when it was saved (meta.json): the model directory is damaged; train it again or restore it`,
      { file },
    );
  if (size !== want.bytes) throw damaged(`has ${size} bytes, ${want.bytes > size ? 'fewer' : 'more'}`);
  // Hashed a chunk at a time as it is read (a cold start of `best` read its 265 MB, then hashed them).
  // The n-gram tables are read by a worker thread too (ngram/scoring-thread.ts): shared, not copied to it.
  const shared = basename(file) === NGRAM_FILES.weights;
  const { bytes, sha256 } = await readDigested(file, size, { shared }).catch((err: unknown) => {
    throw asInputError(err, file, 'missing');
  });
  // Shortened since its size was read: damaged all the same.
  if (bytes.length !== size) throw damaged(`has ${bytes.length} bytes, fewer`);
  if (sha256 !== want.sha256) throw damaged('has other contents');
  return bytes;
}

/** What this tool writes in a model directory (a directory holding none of these is someone else's). */
export function isModelEntry(entry: string): boolean {
  return (
    (Object.values(MODEL_FILES) as string[]).includes(entry) ||
    [
      'checkpoint',
      // Members after the first live in a directory named for their kind.
      ...MEMBER_KINDS,
      'memory.tsv.gz',
      'crossval.json',
      OUT_OF_FOLD_FILE,
      'history.png',
      'history.svg',
    ].includes(entry) ||
    /^fold-\d+$/.test(entry)
  );
}

export interface ModelDirectory {
  /** Each member with the directory it goes in, relative to the model directory ('.' for the first). */
  members: { member: Member; path: string }[];
  memory: PhraseMemory | null;
  history: HistoryFile;
  meta: ModelMeta;
  /** How members store their weights, and their tokenizers compact (an export): member.ts SaveMemberOptions. */
  save?: SaveMemberOptions;
  /** A bagged model's out-of-fold table, gzipped TSV (what its stack was fitted on), written as oof.tsv.gz. */
  outOfFold?: Uint8Array | null;
  /** false: a checkpoint/ in the directory goes with the write (the run has ended and keeps none). */
  keepCheckpoint?: boolean;
}

export const OUT_OF_FOLD_FILE = 'oof.tsv.gz';

/**
 * Writes a model directory as one change: readers see the old model or the new one. It then holds what
 * its meta.json describes, the run's checkpoint (unless `keepCheckpoint` is false) and any file of the
 * user's; files an earlier model left (its plots, members, memory) are gone. Returns the names of the
 * files written.
 */
export async function saveModelDirectory(dir: string, m: ModelDirectory, onStaged?: StagedHook): Promise<string[]> {
  const written: string[] = [];
  await replaceDirectory(
    dir,
    async (stage) => {
      for (const { member, path } of m.members) {
        for (const f of await member.save(join(stage, path), m.save)) {
          written.push(path === '.' ? f : join(path, f));
          await onStaged?.(f);
        }
      }
      if (m.memory) written.push(...(await saveMemory(m.memory, stage)));
      // What the answers depend on: every member's files and the memory (the history only describes).
      const files: Record<string, FileDigest> = {};
      const tokenizerFacts: Record<string, TokenizerFacts> = {};
      for (const f of written) {
        const path = f.split(sep).join('/');
        files[path] = await fileDigest(join(stage, f));
        if (basename(f) !== MODEL_FILES.tokenizer) continue;
        const facts = tokenizerJsonFacts(await readFile(join(stage, f), 'utf8'));
        if (facts) tokenizerFacts[path] = { sha256: files[path].sha256, ...facts };
      }
      await saveJson(stage, MODEL_FILES.history, m.history);
      written.push(MODEL_FILES.history);
      if (m.outOfFold) {
        await writeFileAtomic(join(stage, OUT_OF_FOLD_FILE), m.outOfFold);
        written.push(OUT_OF_FOLD_FILE);
      }
      // A loaded model's record is of its own files (an export writes compact tokenizers): made anew.
      const { tokenizer_facts: _theirs, ...meta } = m.meta;
      const facts = Object.keys(tokenizerFacts).length > 0 ? { tokenizer_facts: tokenizerFacts } : {};
      await saveJson(stage, MODEL_FILES.meta, { ...meta, files, ...facts });
      written.push(MODEL_FILES.meta);
    },
    // The run's own checkpoint and the user's files stay; another run's plots, members or memory do not.
    { keep: (entry) => (entry === 'checkpoint' ? m.keepCheckpoint !== false : !isModelEntry(entry)) },
  );
  return written;
}
