/** The phrase memory's file, memory.tsv.gz: gzipped text (memory.ts says its lines), read within the size limit. */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { gunzipWithin, LIMITS } from '../fs/limits.ts';
import { readBinaryFile } from '../fs/read.ts';
import { MEMORY_FILE, PhraseMemory } from './memory.ts';

/** Writes memory.tsv.gz into `dir`; returns its name. */
export async function saveMemory(memory: PhraseMemory, dir: string): Promise<string[]> {
  await writeFileAtomic(join(dir, MEMORY_FILE), gzipSync(memory.toText()));
  return [MEMORY_FILE];
}

export async function loadMemory(dir: string, classes: number): Promise<PhraseMemory> {
  const path = join(dir, MEMORY_FILE);
  return PhraseMemory.parse(
    (await gunzipWithin(await readBinaryFile(path), LIMITS.memory, path)).toString('utf8'),
    classes,
    path,
  );
}
