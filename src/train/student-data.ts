/**
 * A student's rows: the training file's, each with its teacher's answer, then (with `augment`) the
 * transfer set's new texts, each labelled by the teacher as the training rows are (transferAnswers).
 * The new texts are training rows at the end of the data; validation, the phrase memory and the run's
 * scores never see them.
 */
import type { PreparedData } from '../data/prepare.ts';
import { toSequences } from '../data/encode.ts';
import { makeRng } from '../data/random.ts';
import { range, type RowSplit } from '../data/split.ts';
import type { SpeedLayer } from '../engine/speed-layer.ts';
import { SettingError } from '../errors.ts';
import type { AugmentKind, RunSettings } from '../settings.ts';
import { nearestWords } from './neighbours.ts';
import { teacherAnswers, teacherFoldOf, teacherModelAnswers, teacherProbabilities, teacherVectors } from './teacher.ts';
import { type Augmented, augmentTexts } from './transfer-set.ts';

/** Each word's nearest vectors a `neighbours` text may take. */
const NEIGHBOURS = 5;

/** The transfer set's rows in the data: `from` … `from + count − 1`. */
export interface TransferRows {
  from: number;
  count: number;
  kinds: Partial<Record<AugmentKind, number>>;
}

/** The teacher's answers for the file's rows, padded with zeros for a validation file's. */
export async function studentTargets(
  dir: string,
  sha256: string,
  labels: readonly string[],
  fileRows: number,
  rows: number,
): Promise<Float32Array> {
  const own = await teacherProbabilities(dir, { sha256, labels, rows: fileRows });
  if (rows === fileRows) return own;
  const all = new Float32Array(rows * labels.length);
  all.set(own);
  return all;
}

export interface TransferInput {
  settings: RunSettings & { teacher: string };
  data: PreparedData;
  groups: ReadonlyArray<string>;
  split: RowSplit;
  /** The teacher's answers of every row so far. */
  teacher: Float32Array;
  /** Rows of the training file (the teacher's rows); any after it are a validation file's. */
  fileRows: number;
  classes: number;
  speed: SpeedLayer | null;
}

/** The data, split and teacher answers with the transfer set's rows added for training. */
export async function withTransferSet(
  t: TransferInput,
): Promise<{ data: PreparedData; split: RowSplit; teacher: Float32Array; transfer: TransferRows }> {
  const { settings, data, split } = t;
  const dir = settings.teacher;
  let near = new Map<string, string[]>();
  if (settings.augment.includes('neighbours')) {
    const vectors = await teacherVectors(dir, t.speed);
    if (!vectors)
      throw new SettingError(
        'augment',
        "'neighbours' takes nearest words from the teacher's member on word vectors, and it has none",
        {
          given: settings.augment.join(','),
        },
      );
    // Words every student kind reads (the tokenizer's num_words): a replacement the student cannot read
    // would be a word left out. The member on vectors reads more, but all-pairs similarity over its whole
    // vocabulary (100,000 words) would cost minutes; the frequent words are the ones replaced anyway.
    const readable = [...data.tokenizer.wordIndex]
      .filter(([, i]) => data.tokenizer.numWords === null || i < data.tokenizer.numWords)
      .map(([w]) => w);
    near = nearestWords(readable, vectors.wordIndex, vectors.table, vectors.dims, NEIGHBOURS);
  }
  const made = augmentTexts(
    { cleaned: data.cleaned, groups: t.groups, trainRows: split.trainRows, heldOutRows: split.valRows },
    settings.augment,
    Math.round(settings.augmentShare * split.trainRows.length),
    makeRng(`augment:${settings.seed}`),
    (w) => near.get(w) ?? [],
  );
  const answers = await transferAnswers(dir, made, settings.teacherTargets, t.groups.slice(0, t.fileRows), {
    groupColumn: settings.groupColumn,
    speed: t.speed,
  });
  const k = t.classes;
  const from = data.cleaned.length;
  const count = made.texts.length;
  const encoded = toSequences(made.texts, data.tokenizer, data.maxLen);
  // The teacher's most likely class stands for the label in the target's hard share.
  const labels = Int32Array.from({ length: count }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (answers[i * k + j] > answers[i * k + best]) best = j;
    return best;
  });
  const teacher = new Float32Array((from + count) * k);
  teacher.set(t.teacher);
  teacher.set(answers, from * k);
  const kinds: Partial<Record<AugmentKind, number>> = {};
  for (const kind of made.kind) kinds[kind] = (kinds[kind] ?? 0) + 1;
  const trainRows = new Int32Array(split.trainRows.length + count);
  trainRows.set(split.trainRows);
  trainRows.set(range(from, from + count), split.trainRows.length);
  return {
    data: {
      ...data,
      cleaned: [...data.cleaned, ...made.texts],
      sequences: [...data.sequences, ...encoded.sequences],
      labels: Int32Array.from([...data.labels, ...labels]),
    },
    split: { ...split, trainRows },
    teacher,
    transfer: { from, count, kinds },
  };
}

/**
 * The teacher's answers for the made texts, as the training rows get theirs: its own (every fold
 * model, blended as it predicts) for `model` targets; for `out-of-fold` ones, each text from the fold
 * that never saw the sentence it was made from.
 */
export async function transferAnswers(
  dir: string,
  made: Augmented,
  targets: RunSettings['teacherTargets'],
  groups: ReadonlyArray<string>,
  opts: { groupColumn: string | null; speed: SpeedLayer | null },
): Promise<Float32Array> {
  if (made.texts.length === 0) return new Float32Array(0);
  if (targets === 'model') return teacherModelAnswers(dir, made.texts, opts.speed);
  const foldOfRow = await teacherFoldOf(dir, groups, opts.groupColumn);
  return teacherAnswers(
    dir,
    made.texts,
    Int32Array.from(made.source, (r) => foldOfRow[r]),
    opts.speed,
  );
}
