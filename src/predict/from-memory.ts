/**
 * Texts answered by the phrase memory alone: when a model's memory holds every text, no engine starts
 * and no member is loaded, so a shell loop over known phrases waits on neither. When any text needs the
 * model, the header read on the way is handed back for loading the members, its other files still
 * being read and checked (TensorFlow.js loads meanwhile).
 */
import { cleanTexts } from '../data/encode.ts';
import { openModelDirectory, type ModelHeader } from '../model/directory.ts';
import { checkText, toPrediction } from './predictor.ts';
import type { TextResults } from './predict-inputs.ts';

export interface MemoryAnswer {
  header: ModelHeader;
  /** Every text's prediction from the memory, or null when the memory lacks one of them (or the model has none). */
  answer: TextResults | null;
}

export async function predictFromMemory(modelDir: string, texts: ReadonlyArray<string>): Promise<MemoryAnswer> {
  texts.forEach((t) => checkText(t));
  const header = await openModelDirectory(modelDir, { early: true });
  const { memory } = header;
  if (!memory) return { header, answer: null };
  const stored = cleanTexts(texts).map((c) => memory.lookup(c));
  if (!stored.every((p): p is Float32Array => p !== null)) return { header, answer: null };
  // A damaged directory is refused even where the memory answers.
  await header.files;
  const results = stored.map((p, i) => ({ ...toPrediction(Array.from(p), header, 'memory'), text: texts[i] }));
  return { header, answer: { results, truncated: 0, fromMemory: texts.length } };
}
