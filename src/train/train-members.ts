/** Trains a preset's members on one split, scores each on its validation rows, and fits their blend there. */
import { makeRng } from '../data/random.ts';
import type { RowSplit } from '../data/split.ts';
import type * as tf from '../engine/tf.ts';
import { SettingError } from '../errors.ts';
import { BILSTM_DEFAULTS, buildBiLstm } from '../model/bilstm.ts';
import type { Blend } from '../model/blend.ts';
import { loadLayersModel } from '../model/layers-files.ts';
import type { MemberHistory } from '../model/history.ts';
import type { Member, MemberKind } from '../model/member.ts';
import { buildModel, compileModel } from '../model/recipe.ts';
import { forgetPrefixTreeScorer, RecurrentMember } from '../model/recurrent-member.ts';
import { scoreProbabilities } from '../model/scores.ts';
import { presetMembers } from '../presets.ts';
import type { RunSettings } from '../settings.ts';
import { fitBlend } from './fit-blend.ts';
import type { SoftTargets } from './targets.ts';
import { NGRAM_TRAINING, trainNgram } from './train-ngram.ts';
import { type LstmOutcome, type LstmTraining, type SequenceData, trainRecurrentMember } from './train-recurrent.ts';
import type { StartedRun, TrainReporter, TrainRunOptions } from './start-run.ts';
import { prepareVectors, sequencesOf } from './prepare-vectors.ts';

/** A member's (or the blend's) scores on the validation rows. */
export interface MemberScore {
  kind: string;
  valAcc: number | null;
  valLoss: number | null;
}

export interface TrainedMembers {
  /** The first member's training (the one with a checkpoint): its epochs make history.json. */
  primary: MemberOutcome;
  /** Each member with its directory in the model directory; empty when a signal stopped training. */
  members: { member: Member; path: string }[];
  /** The epochs of each recurrent member after the first (history.json keeps them beside the first's). */
  others: MemberHistory[];
  scores: MemberScore[];
  blend: Blend | null;
  /** Each member's probabilities of the validation rows (row-major [valRows, classes], in valRows' order). */
  valOutputs: Float32Array[];
}

export const NOTHING_TRAINED: LstmOutcome = { member: null, history: [], best: null, kept: null, stoppedEarly: false };

/** Trains the preset's members on `split` (the first one checkpointed in `out`), scores each, fits the blend. */
export async function trainMembers(
  run: StartedRun,
  split: RowSplit,
  opts: TrainRunOptions,
  out: string | null,
  reporter: TrainReporter,
): Promise<TrainedMembers> {
  const { settings, engine } = run;
  const members: { member: Member; path: string }[] = [];
  let primary: MemberOutcome = NOTHING_TRAINED;
  const others: MemberHistory[] = [];
  const stopped = (): TrainedMembers => {
    for (const m of members) m.member.dispose();
    return { primary, members: [], others: [], scores: [], blend: null, valOutputs: [] };
  };
  try {
    for (const [i, m] of presetMembers(settings, opts.explicit ?? new Set()).entries()) {
      const first = i === 0;
      const own = { ...m.settings, maxLen: settings.maxLen };
      reporter.onMember?.(m.kind, own.epochs);
      const common: CommonTraining = {
        settings: own,
        split,
        out: first ? out : null,
        dataFile: opts.dataFile,
        dataSha256: run.sha256,
        inputsSha256: run.inputsSha256,
        engine,
        checkpoint: first ? run.checkpoint : null,
        signal: opts.signal,
        onStaged: opts.onStaged,
      };
      const trainer = MEMBER_TRAINERS[m.kind];
      const outcome = await trainer.train(run, common, reporter);
      if (first) primary = outcome;
      else if (trainer.byEpochs)
        others.push({ kind: m.kind, epochs: outcome.history, kept_epoch: outcome.kept?.epoch ?? null });
      if (outcome.member === null) return stopped();
      members.push({ member: outcome.member, path: first ? '.' : m.kind });
    }
    const { scores, blend, outputs } = scoreMembers(members, run, split);
    return { primary, members, others, scores, blend, valOutputs: outputs };
  } catch (err) {
    for (const m of members) m.member.dispose();
    throw err;
  }
}

/** Each member's validation scores, and (with more than one) their blend fitted on the same rows. */
function scoreMembers(
  members: { member: Member }[],
  run: StartedRun,
  split: RowSplit,
): { scores: MemberScore[]; blend: Blend | null; outputs: Float32Array[] } {
  const { data } = run;
  const k = run.classes.labels.length;
  const { valRows } = split;
  const valLabels = Int32Array.from(valRows, (r) => data.labels[r]);
  const valTexts = Array.from(valRows, (r) => data.cleaned[r]);
  const outputs = valRows.length ? members.map(({ member }) => member.predict(valTexts).probabilities) : [];
  // The scorers' copies (the embedding table, the last forest's outputs: ~20 MB for the seed) are not
  // wanted while the model is saved; predicting makes them again.
  for (const { member } of members) if (member instanceof RecurrentMember) forgetPrefixTreeScorer(member.model);
  const scores: MemberScore[] = members.map(({ member }, i) => {
    const s = valRows.length ? scoreProbabilities(outputs[i], k, valLabels) : null;
    return { kind: member.kind, valAcc: s?.acc ?? null, valLoss: s?.loss ?? null };
  });
  if (members.length < 2) return { scores, blend: null, outputs };
  // Without validation rows nothing can weigh the members: they count the same.
  const fitted = valRows.length ? fitBlend(outputs, valLabels, k, 'linear') : null;
  scores.push({ kind: 'blend', valAcc: fitted?.scores.acc ?? null, valLoss: fitted?.scores.loss ?? null });
  return {
    scores,
    blend: fitted?.blend ?? { method: 'linear', weights: members.map(() => 1 / members.length) },
    outputs,
  };
}

type CommonTraining = Omit<LstmTraining, 'kind' | 'build' | 'data' | 'batchSize' | 'labelSmoothing'>;

interface MemberTrainer {
  /** It trains epoch by epoch (history.json keeps its epochs); else its outcome has no history. */
  byEpochs: boolean;
  /** The member trained on `common.split` (its `member` null when a signal stopped it). */
  train(run: StartedRun, common: CommonTraining, reporter: TrainReporter): Promise<MemberOutcome>;
}

/** A member's training: its epochs (none for the n-gram model) and the member, null when a signal stopped it. */
export type MemberOutcome = Omit<LstmOutcome, 'member'> & { member: Member | null };

/** How each member kind trains: a new kind adds its line here (and its loader in model/members.ts). */
const MEMBER_TRAINERS: Readonly<Record<MemberKind, MemberTrainer>> = {
  lstm: { byEpochs: true, train: trainRecipeMember },
  ngram: { byEpochs: false, train: trainNgramMember },
  bilstm: { byEpochs: true, train: trainVectorsMember },
};

/** The teacher's answers as this member's targets (its own share and temperature), or none. */
function softTargets(run: StartedRun, own: RunSettings): SoftTargets | undefined {
  if (run.teacher === null) return undefined;
  return { probabilities: run.teacher, weight: own.distilWeight, temperature: own.temperature };
}

/** The recipe's LSTM on the run's tokenizer. */
function trainRecipeMember(run: StartedRun, common: CommonTraining, reporter: TrainReporter): Promise<LstmOutcome> {
  const { data, engine } = run;
  const own = common.settings;
  const k = run.classes.labels.length;
  return trainRecurrentMember(
    {
      ...common,
      kind: 'lstm',
      build: () =>
        buildModel(own, { numClasses: k, inputLength: own.pad === 'max' ? data.maxLen : null }, engine.speed),
      data: { ...data, soft: softTargets(run, own) },
      batchSize: own.batchSize,
      labelSmoothing: 0,
    },
    reporter,
  );
}

/** The n-gram model, on fixed settings of its own (no epochs to keep, no checkpoint). */
async function trainNgramMember(
  run: StartedRun,
  common: CommonTraining,
  reporter: TrainReporter,
): Promise<MemberOutcome> {
  const { data } = run;
  const rows = common.split.trainRows;
  const ngram = await trainNgram(
    Array.from(rows, (r) => data.cleaned[r]),
    Int32Array.from(rows, (r) => data.labels[r]),
    run.classes.labels.length,
    makeRng(`ngram:${run.settings.seed}`),
    NGRAM_TRAINING,
    { onProgress: reporter.onNgram, signal: common.signal },
  );
  return { ...NOTHING_TRAINED, member: ngram };
}

/** The bidirectional LSTM on pretrained vectors: vocabulary and vectors read (or, resumed, the checkpoint's), then trained. */
async function trainVectorsMember(
  run: StartedRun,
  common: CommonTraining,
  reporter: TrainReporter,
): Promise<LstmOutcome> {
  const { data, engine } = run;
  const settings: RunSettings = common.settings;
  const shape = (rows: number, dims: number) => ({
    rows,
    dims,
    units: settings.units,
    bidirectional: settings.bidirectional,
    pooling: settings.pooling,
    numClasses: run.classes.labels.length,
    learningRate: settings.learningRate,
  });
  const train = (seqData: SequenceData, build: () => tf.LayersModel | Promise<tf.LayersModel>) =>
    trainRecurrentMember(
      {
        ...common,
        kind: 'bilstm',
        build,
        data: { ...seqData, soft: softTargets(run, settings) },
        batchSize: settings.batchSize,
        labelSmoothing: BILSTM_DEFAULTS.labelSmoothing,
      },
      reporter,
    );
  const checkpoint = common.checkpoint;
  if (checkpoint) {
    // Resuming: the checkpoint holds the vocabulary and the model; the vectors need not be read again.
    const build = async () => {
      const model = await loadLayersModel(checkpoint.dir);
      compileModel(model, settings.learningRate, engine.speed);
      return model;
    };
    return train(sequencesOf(checkpoint.tokenizer, data.cleaned, data.labels, data.maxLen), build);
  }
  if (!settings.embeddings)
    throw new SettingError('embeddings', 'the vectors preset needs pretrained word vectors', { given: '(none)' });
  const v = await prepareVectors(data.cleaned, data.labels, common.split.trainRows, {
    embeddings: settings.embeddings,
    vocabSize: settings.vocabSize,
    maxLen: data.maxLen,
    seed: settings.seed,
    onProgress: reporter.onVectors,
    signal: common.signal,
  }).catch((err: unknown) => {
    // A signal while the vectors are read: stopped, as between two batches.
    if (common.signal?.aborted) return null;
    throw err;
  });
  if (v === null) return NOTHING_TRAINED;
  if (v.vocabulary.covered === 0)
    reporter.onWarning?.({ kind: 'vectors-match-nothing', source: v.source, words: v.fileWords });
  reporter.onVocabulary?.({
    words: v.vocabulary.rows - 1,
    covered: v.vocabulary.covered,
    added: v.vocabulary.added,
    dims: v.vocabulary.dims,
    fileWords: v.fileWords,
    source: v.source,
  });
  return train(v.data, () =>
    buildBiLstm(shape(v.vocabulary.rows, v.vocabulary.dims), v.vocabulary.embeddings, engine.speed),
  );
}
