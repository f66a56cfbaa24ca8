/**
 * Why the model answered what it did, by occlusion: each word of the cleaned text is left out in turn
 * and the predicted class's probability computed again, by the same members and blend. A word's
 * contribution is p(text) − p(text without it): positive pushes toward the answer, negative away from
 * it. It only asks the model, so it is honest for every member kind (LSTMs, n-grams, blends); it costs
 * one more forward pass per word. A text the phrase memory answered gets no explanation: the model did
 * not decide it.
 *
 * Its cost is bounded by what the model reads, not by the text: a word no member reads (outside the
 * last maxLen tokens of every sequence member) contributes exactly 0 without a pass; a member that may
 * read every word (n-grams) has its last `explainedWords` measured, the rest left unmeasured (null); and
 * variants are built a batch at a time. Passes: at most the members' windows added up; each variant at
 * most the words read (or, with an n-gram member, the text): linear in the text, never quadratic.
 */
import { cleanWords } from '../data/clean.ts';
import type { AnsweringModel, Prediction, Predictor } from './predictor.ts';

export interface WordContribution {
  /** The word as the model reads it (cleaned). */
  token: string;
  /**
   * The predicted class's probability with the word, less without it; 0 for a word no member reads;
   * null for a word the model reads but the explanation did not measure (past its last `explainedWords`).
   */
  contribution: number | null;
}

/** Words a view (the terminal, the report) shows of one explanation: the last ones, where the model reads. */
export const SHOWN_WORDS = 200;

/** The words a view shows (the last SHOWN_WORDS), and how many earlier ones it leaves out. */
export function shownWords(words: ReadonlyArray<WordContribution>): { hidden: number; words: WordContribution[] } {
  const hidden = Math.max(0, words.length - SHOWN_WORDS);
  return { hidden, words: words.slice(hidden) };
}

/** Measured words of a member that may read every word (n-grams): the last ones. */
export const EXPLAINED_WORDS_WITHOUT_WINDOW = 256;
/** Characters of variant text in one forward pass: a long text goes a few variants at a time. */
const BATCH_CHARACTERS = 1 << 20;

/** How many of a text's last words are measured for a member that may read them all: the longest window among the members. */
export function explainedWords(predictor: Predictor<AnsweringModel>): number {
  const windows = predictor.loaded.members.map((m) => m.maxLen).filter((n): n is number => n !== null);
  return windows.length ? Math.max(...windows) : EXPLAINED_WORDS_WITHOUT_WINDOW;
}

/** Each text's words and their contributions, in order; null where the phrase memory answered. */
export function explainPredictions(
  predictor: Predictor<AnsweringModel>,
  texts: ReadonlyArray<string>,
  predictions: ReadonlyArray<Prediction>,
): (WordContribution[] | null)[] {
  if (texts.length !== predictions.length)
    throw new RangeError(`${texts.length} texts but ${predictions.length} predictions`);
  const cap = explainedWords(predictor);
  return texts.map((t, i) =>
    predictions[i].source === 'model' ? explainOne(predictor, t, predictions[i], cap) : null,
  );
}

function explainOne(
  predictor: Predictor<AnsweringModel>,
  text: string,
  prediction: Prediction,
  cap: number,
): WordContribution[] {
  const words = cleanWords(text);
  const n = Math.min(cap, words.length);
  const last = Array.from({ length: n }, (_, i) => words.length - n + i);
  const { members } = predictor.loaded;
  const reads = members.map((m) => m.wordsRead?.(words) ?? null);
  // A member that says which words it reads is fed only those (it sees its own window whole); the rest
  // of the words contribute exactly 0 when every member says so. A member that may read every word is fed
  // the whole text, and its last `cap` words are measured.
  const bounded = reads.every((r) => r !== null);
  const measured = [...new Set(reads.flatMap((r) => r ?? last))].sort((a, b) => a - b);
  const all = words.map((_, j) => j);
  const contexts = reads.map((r) => r ?? all);
  const { index, probabilities: p } = prediction;
  const out: WordContribution[] = words.map((token) => ({ token, contribution: bounded ? 0 : null }));
  const longest = Math.max(...contexts.map((c) => c.reduce((sum, j) => sum + words[j].length + 1, 0)));
  const perBatch = Math.max(1, Math.min(predictor.batchSize, Math.floor(BATCH_CHARACTERS / Math.max(1, longest))));
  for (let start = 0; start < measured.length; start += perBatch) {
    const batch = measured.slice(start, start + perBatch);
    const outputs = members.map(
      (m, i) =>
        m.predict(
          batch.map((left) =>
            contexts[i]
              .filter((j) => j !== left)
              .map((j) => words[j])
              .join(' '),
          ),
          { batchSize: predictor.batchSize },
        ).probabilities,
    );
    const without = predictor.blend(outputs);
    const k = predictor.numClasses;
    batch.forEach((j, v) => (out[j].contribution = p[index] - without[v * k + index]));
  }
  return out;
}
