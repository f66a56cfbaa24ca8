/** The model directory a run writes: checked, locked for the run, and removed again if it was new and stayed empty. */
import { rmdir, stat } from 'node:fs/promises';
import { lockDirectory } from '../fs/lock.ts';
import { checkOutputDirectory } from '../fs/output-dir.ts';
import { checkDirectoryHoldsNoInput, checkNoDirectoryNested } from '../fs/output-gate.ts';
import { resolveEmbeddings } from '../data/vectors.ts';
import { isModelEntry } from '../model/directory.ts';

/**
 * Runs `work` with `out` checked, resolved (a link followed) and locked for this process; a new
 * directory left empty by a run that saved nothing is removed again. None of the files the run reads
 * may be inside the directory it replaces, and none of the model directories it reads (a teacher) may
 * be it, inside it or around it.
 */
export async function withModelOutput<T>(
  given: string,
  reads: RunInputs,
  work: (out: string) => Promise<T>,
): Promise<T> {
  await checkNoDirectoryNested(given, 'out', given, reads.modelDirs);
  const out = await checkOutputDirectory(given, 'out', isModelEntry);
  await checkDirectoryHoldsNoInput(out, 'out', given, reads.files);
  const existed = (await stat(out).catch(() => null)) !== null;
  const release = await lockDirectory(out, 'out');
  try {
    return await work(out);
  } finally {
    await release();
    if (!existed) await rmdir(out).catch(() => undefined);
  }
}

/** What a run reads: files, and model directories. */
export interface RunInputs {
  files: string[];
  modelDirs: string[];
}

/** What a run reads: its data, its validation file, its word vectors (where they resolve); its teacher's directory. */
export function runInputs(opts: {
  dataFile: string;
  validationFile?: string | null;
  teacher?: string | null;
  embeddings?: string | null;
}): RunInputs {
  const files = [opts.dataFile];
  if (opts.validationFile) files.push(opts.validationFile);
  if (opts.embeddings) {
    try {
      files.push(resolveEmbeddings(opts.embeddings).path);
    } catch {
      // A missing vectors package is reported, with advice, when the run reads its settings.
    }
  }
  return { files, modelDirs: opts.teacher ? [opts.teacher] : [] };
}
