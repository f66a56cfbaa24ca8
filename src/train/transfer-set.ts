/**
 * A student's transfer set beyond the training rows: new texts made from them, which the teacher then
 * labels (Tang et al. 2019, "Distilling Task-Specific Knowledge from BERT into Simple Neural Networks":
 * n-gram sampling, masking, replacement by similar words). Three kinds:
 * - `spans`: a run of words of a training sentence that is not itself a phrase of the file (the
 *   Kaggle phrases are the parse tree's constituents; a span across two of them is new text);
 * - `dropout`: a training phrase with some of its words left out;
 * - `neighbours`: a training phrase with some words replaced by one of their nearest word vectors.
 * Only sentences (groups) with no held-out row are sources, and no text of the file — held-out or
 * not — is ever made: what is scored as held out stays unseen.
 */
import type { Rng } from '../data/random.ts';
import type { AugmentKind } from '../settings.ts';

/** A word's share of being left out (dropout) or replaced (neighbours). */
export const AUGMENT_RATE = 0.2;

export interface TransferSource {
  /** Every row's cleaned text (words split by single spaces). */
  cleaned: ReadonlyArray<string>;
  /** Every row's group (its sentence). */
  groups: ReadonlyArray<string>;
  /** The rows the student trains on: the only rows texts are made from. */
  trainRows: Int32Array;
  /** The rows scored as held out: their groups are no source, their texts never made. */
  heldOutRows: Int32Array;
}

export interface Augmented {
  texts: string[];
  kind: AugmentKind[];
  /** The training row each text was made from. */
  source: Int32Array;
}

/**
 * Up to `count` new texts, shared evenly between `kinds`, each different from every row's text and
 * from each other. Fewer where the sources run out (a file of one-word phrases has no spans).
 * `neighbours(word)`: the words nearest it (needed for the `neighbours` kind).
 */
export function augmentTexts(
  src: TransferSource,
  kinds: readonly AugmentKind[],
  count: number,
  rng: Rng,
  neighbours: (word: string) => readonly string[] = () => [],
): Augmented {
  const taken = new Set(src.cleaned);
  const heldOutGroups = new Set(Array.from(src.heldOutRows, (r) => src.groups[r]));
  const sources = Array.from(src.trainRows).filter((r) => !heldOutGroups.has(src.groups[r]));
  const words = (r: number) => src.cleaned[r].split(' ').filter((w) => w !== '');
  const out = { texts: [] as string[], kind: [] as AugmentKind[], source: [] as number[] };
  if (sources.length === 0) return { ...out, source: new Int32Array(0) };
  // A sentence is its group's longest phrase (the Kaggle file's first row of each SentenceId).
  const sentences = new Map<string, { row: number; words: number }>();
  for (const r of sources) {
    const n = words(r).length;
    const s = sentences.get(src.groups[r]);
    if (!s || n > s.words) sentences.set(src.groups[r], { row: r, words: n });
  }
  const long = [...sentences.values()].filter((s) => s.words >= 3).map((s) => s.row);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)];
  const make: Record<AugmentKind, () => { text: string; source: number } | null> = {
    spans: () => {
      if (long.length === 0) return null;
      const source = pick(long);
      const w = words(source);
      const length = 2 + Math.floor(rng() * (w.length - 2));
      const start = Math.floor(rng() * (w.length - length + 1));
      return { text: w.slice(start, start + length).join(' '), source };
    },
    dropout: () => {
      const source = pick(sources);
      const w = words(source);
      const kept = w.filter(() => rng() >= AUGMENT_RATE);
      return kept.length > 0 && kept.length < w.length ? { text: kept.join(' '), source } : null;
    },
    neighbours: () => {
      const source = pick(sources);
      let changed = false;
      const w = words(source).map((word) => {
        const near = neighbours(word);
        if (near.length === 0 || rng() >= AUGMENT_RATE) return word;
        changed = true;
        return pick(near);
      });
      return changed ? { text: w.join(' '), source } : null;
    },
  };
  kinds.forEach((kind, i) => {
    const want = Math.floor(count / kinds.length) + (i < count % kinds.length ? 1 : 0);
    // Tries are bounded: a small or repetitive file may hold fewer new texts than asked.
    for (let made = 0, tries = 0; made < want && tries < 20 * want; tries++) {
      const t = make[kind]();
      if (!t || taken.has(t.text)) continue;
      taken.add(t.text);
      out.texts.push(t.text);
      out.kind.push(kind);
      out.source.push(t.source);
      made++;
    }
  });
  return { ...out, source: Int32Array.from(out.source) };
}
