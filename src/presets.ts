/**
 * The presets, described once: what each trains (its members, in order, the first checkpointed), the
 * settings it changes for the user who leaves them alone, and the words `--help` and the README use.
 * settings.ts applies the defaults, training reads the members, the CLI prints the words.
 */
import type { MemberKind } from './model/member.ts';
import { copySetting, type Preset, type RunSettings, SETTING_KEYS, type SettingKey } from './settings.ts';

export interface PresetMember {
  kind: MemberKind;
  /** Trained only when this setting is set (the member on pretrained vectors needs `embeddings`). */
  when?: 'embeddings';
  /** Inside this preset, the member trains with another preset's defaults for the settings the user left alone. */
  ownDefaults?: Preset;
}

export interface PresetSpec {
  /** One line for `--help` and the README. */
  summary: string;
  /** What it changes from the seed's defaults, unless the user set it. */
  defaults: Partial<RunSettings>;
  members: readonly PresetMember[];
  /** Settings it cannot train without. */
  needs?: readonly ('embeddings' | 'teacher')[];
  /**
   * Trained on every fold of this many (`folds` overrides): the fold models together are the model
   * (bagging), and their out-of-fold probabilities fit the blend on every row.
   */
  bagFolds?: number;
}

export const PRESET_TABLE: Readonly<Record<Preset, PresetSpec>> = {
  seed: {
    summary: "the Keras recipe's LSTM",
    defaults: {},
    members: [{ kind: 'lstm' }],
  },
  ensemble: {
    summary:
      "the LSTM and a word/character n-gram model, blended on the validation rows; with --embeddings also a bidirectional LSTM on the vectors, with the vectors preset's defaults",
    defaults: { earlyStop: 2 },
    members: [{ kind: 'lstm' }, { kind: 'ngram' }, { kind: 'bilstm', when: 'embeddings', ownDefaults: 'vectors' }],
  },
  vectors: {
    summary: 'a bidirectional LSTM on the pretrained word vectors of --embeddings, alone',
    defaults: { epochs: 4, earlyStop: 1, units: 128, learningRate: 0.002, batchSize: 256 },
    members: [{ kind: 'bilstm' }],
    needs: ['embeddings'],
  },
  best: {
    summary:
      "the member on --embeddings and the n-gram model, each trained on 5 folds of the groups (--folds sets how many): the fold models together are the model (every row trains some), stacked by a logistic regression or weights fitted on every row's out-of-fold answers; prints each member's and the stack's fold accuracy",
    defaults: {},
    members: [{ kind: 'bilstm', ownDefaults: 'vectors' }, { kind: 'ngram' }],
    needs: ['embeddings'],
    bagFolds: 5,
  },
  student: {
    summary:
      "best in one fast model: the member on --embeddings trained towards a --teacher's answers (a best model of this same file) mixed with the labels",
    defaults: {
      epochs: 4,
      earlyStop: 1,
      units: 128,
      learningRate: 0.002,
      batchSize: 256,
      teacherTargets: 'model',
      // Hinton et al.'s temperature: on held-out blocks the same accuracy, a held-out loss 0.02 lower.
      temperature: 3,
      // The model to ship: its directory without the 160 MB a resume would read.
      keepCheckpoint: false,
    },
    members: [{ kind: 'bilstm' }],
    needs: ['embeddings', 'teacher'],
  },
};

/** What every run reads, whatever its members. */
const RUN_READS: readonly SettingKey[] = [
  'preset',
  'format',
  'textColumn',
  'labelColumn',
  'groupColumn',
  'labels',
  'validationFile',
  'shuffleSplit',
  'validationSplit',
  'seed',
  'maxLen',
  'memory',
];

/** What every member trained by epochs reads: how long, in what batches, which epoch it keeps. */
const EPOCH_READS: readonly SettingKey[] = [
  'epochs',
  'batchSize',
  'keep',
  'monitor',
  'earlyStop',
  'pad',
  'teacher',
  'teacherTargets',
  'distilWeight',
  'temperature',
  'augment',
  'augmentShare',
  'float16',
  'keepCheckpoint',
];

/** The settings each member kind reads (the n-gram member trains on fixed settings of its own). */
export const MEMBER_READS: Readonly<Record<MemberKind, readonly SettingKey[]>> = {
  lstm: [
    ...EPOCH_READS,
    'maxWords',
    'embeddingDim',
    'units',
    'denseUnits',
    'dropout',
    'learningRate',
    'recurrentActivation',
  ],
  ngram: [],
  bilstm: [...EPOCH_READS, 'units', 'learningRate', 'embeddings', 'vocabSize', 'bidirectional', 'pooling'],
};

/** Why a setting has no effect on a run without a member that reads it. */
const UNREAD: Partial<Record<SettingKey, string>> = {
  embeddings: 'no member of this preset trains on word vectors: use {preset} vectors or ensemble',
  vocabSize: 'only the member on word vectors reads it: give {embeddings} (with {preset} vectors or ensemble)',
  bidirectional: 'only the member on word vectors reads it: give {embeddings} (with {preset} vectors or ensemble)',
  pooling: 'only the member on word vectors reads it: give {embeddings} (with {preset} vectors or ensemble)',
  maxWords: 'the member on word vectors keeps its own vocabulary ({vocabSize})',
  embeddingDim: 'the member on word vectors takes the vectors’ own dimension',
  denseUnits: 'the member on word vectors has no hidden Dense layer',
  dropout: 'the member on word vectors has fixed dropout rates (0.2 on the embedding, 0.3 before the output)',
  recurrentActivation: 'the member on word vectors has sigmoid gates',
};

/**
 * A setting the user chose that this run would ignore, with the reason (`{setting}` names another
 * setting); null when every chosen setting takes effect. `folds`: cross-validation, which splits by
 * groups itself.
 */
export function unusedSetting(
  settings: RunSettings,
  chosen: ReadonlySet<SettingKey>,
  folds = false,
): { setting: SettingKey; why: string } | null {
  const reads = new Set<SettingKey>(RUN_READS);
  for (const m of presetMembers(settings, chosen)) for (const k of MEMBER_READS[m.kind]) reads.add(k);
  for (const k of SETTING_KEYS) {
    if (!chosen.has(k)) continue;
    if (!reads.has(k)) return { setting: k, why: `${UNREAD[k] ?? 'no member of this preset reads it'}` };
  }
  if (settings.teacher === null)
    for (const k of ['teacherTargets', 'distilWeight', 'temperature', 'augment', 'augmentShare'] as const)
      if (chosen.has(k)) return { setting: k, why: 'only a run with a {teacher} reads it' };
  if (settings.augment.length === 0 && chosen.has('augmentShare'))
    return { setting: 'augmentShare', why: 'no {augment} kind is chosen: no text is added' };
  if (folds && settings.teacher !== null)
    return {
      setting: 'teacher',
      why: "the teacher's out-of-fold answers came from models that saw this run's other folds: train one model (seed or vectors preset) on it instead",
    };
  if (folds && chosen.has('keepCheckpoint'))
    return {
      setting: 'keepCheckpoint',
      why: 'a run on folds writes no checkpoint: it cannot be resumed, so none is kept',
    };
  if (folds)
    for (const k of ['validationFile', 'validationSplit', 'shuffleSplit'] as const)
      if (k === 'validationFile' ? settings.validationFile !== null : chosen.has(k))
        return {
          setting: k,
          why: 'cross-validation (and a preset trained on folds) holds out its own folds of the training file',
        };
  if (settings.validationFile !== null) {
    for (const k of ['validationSplit', 'shuffleSplit', 'groupColumn'] as const)
      if (chosen.has(k))
        return {
          setting: k,
          why: 'the validation rows come from {validationFile}, not from a split of the training file',
        };
  }
  return null;
}

/** `settings` with its preset's defaults put in for every setting not in `chosen`. */
export function applyPreset(settings: RunSettings, chosen: ReadonlySet<SettingKey>): RunSettings {
  const out = { ...settings };
  const defaults = PRESET_TABLE[settings.preset].defaults;
  for (const k of Object.keys(defaults) as SettingKey[]) if (!chosen.has(k)) copySetting(out, defaults, k);
  return out;
}

/** The members `settings` train, in order (the first one checkpointed), each with its own settings. */
export function presetMembers(
  settings: RunSettings,
  chosen: ReadonlySet<SettingKey>,
): { kind: MemberKind; settings: RunSettings }[] {
  return PRESET_TABLE[settings.preset].members
    .filter((m) => m.when !== 'embeddings' || settings.embeddings !== null)
    .map((m) => ({
      kind: m.kind,
      settings: m.ownDefaults
        ? { ...applyPreset({ ...settings, preset: m.ownDefaults }, chosen), preset: settings.preset }
        : settings,
    }));
}

/** A preset's defaults as the flags that set them: `--epochs 4 --early-stop 1 --no-keep-checkpoint`. */
export function presetDefaultsAsFlags(p: PresetSpec): string {
  return Object.entries(p.defaults)
    .map(([k, v]) => {
      const name = k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      return typeof v === 'boolean' ? `--${v ? '' : 'no-'}${name}` : `--${name} ${String(v)}`;
    })
    .join(' ');
}

/** The presets as --help lists them: `'name' (summary; defaults unless given)`. */
export function describePresets(): string {
  return (Object.entries(PRESET_TABLE) as [Preset, PresetSpec][])
    .map(([name, p]) => {
      const defaults = presetDefaultsAsFlags(p);
      return `'${name}' (${p.summary}${defaults ? `; ${defaults} unless given` : ''})`;
    })
    .join(', ');
}

/** The presets as the README's table: one row each, checked by test/cli/readme.test.ts. */
export function presetTable(): string {
  const rows = (Object.entries(PRESET_TABLE) as [Preset, PresetSpec][]).map(([name, p]) => {
    const defaults = presetDefaultsAsFlags(p);
    return `| \`${name}\` | ${p.summary} | ${defaults ? `\`${defaults}\`` : ''} |`;
  });
  return ['| preset | what it trains | unless given |', '| --- | --- | --- |', ...rows].join('\n');
}
