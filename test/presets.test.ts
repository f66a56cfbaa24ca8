import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TRAIN_FLAGS } from '../src/cli/options.ts';
import { applyPreset, PRESET_TABLE, presetDefaultsAsFlags, presetMembers, unusedSetting } from '../src/presets.ts';
import { DEFAULT_SETTINGS, type RunSettings, SETTING_KEYS, type SettingKey } from '../src/settings.ts';

/** The runs a user can ask for: each preset, the ensemble with and without vectors. */
const RUNS = {
  seed: { preset: 'seed', embeddings: null },
  ensemble: { preset: 'ensemble', embeddings: null },
  'ensemble+vectors': { preset: 'ensemble', embeddings: 'vectors.txt' },
  vectors: { preset: 'vectors', embeddings: 'vectors.txt' },
} as const;
type Run = keyof typeof RUNS;

const ALL: Run[] = ['seed', 'ensemble', 'ensemble+vectors', 'vectors'];
const WITH_VECTORS: Run[] = ['ensemble+vectors', 'vectors'];
const WITH_LSTM: Run[] = ['seed', 'ensemble', 'ensemble+vectors'];

/** Where each setting a `train` flag sets takes effect; every other run refuses it. */
const TAKES_EFFECT: Record<SettingKey, Run[]> = {
  preset: ALL,
  format: ALL,
  textColumn: ALL,
  labelColumn: ALL,
  groupColumn: ALL,
  labels: ALL,
  validationFile: ALL,
  shuffleSplit: ALL,
  validationSplit: ALL,
  seed: ALL,
  maxLen: ALL,
  memory: ALL,
  epochs: ALL,
  batchSize: ALL,
  keep: ALL,
  monitor: ALL,
  earlyStop: ALL,
  pad: ALL,
  units: ALL,
  learningRate: ALL,
  maxWords: WITH_LSTM,
  embeddingDim: WITH_LSTM,
  denseUnits: WITH_LSTM,
  dropout: WITH_LSTM,
  recurrentActivation: WITH_LSTM,
  embeddings: WITH_VECTORS,
  vocabSize: WITH_VECTORS,
  bidirectional: WITH_VECTORS,
  pooling: WITH_VECTORS,
  teacher: ALL,
  // Without a teacher (these runs have none), nothing reads them.
  teacherTargets: [],
  distilWeight: [],
  temperature: [],
  augment: [],
  augmentShare: [],
  float16: ALL,
  keepCheckpoint: ALL,
};

const settingsFor = (run: Run, chosen: ReadonlySet<SettingKey>): RunSettings =>
  applyPreset({ ...DEFAULT_SETTINGS, ...RUNS[run] }, chosen);

describe('every train flag takes effect or is refused (src/presets.ts)', () => {
  // A --X/--no-X pair sets one setting.
  const flagged = [
    ...new Set(
      Object.entries(TRAIN_FLAGS)
        .map(([key, f]) => (f as { setting?: string }).setting ?? key)
        .filter((k): k is SettingKey => (SETTING_KEYS as string[]).includes(k)),
    ),
  ];

  it('the table covers every setting a flag sets', () => {
    assert.deepEqual([...flagged].sort(), [...SETTING_KEYS].sort());
  });

  for (const k of flagged) {
    for (const run of ALL) {
      const expected = TAKES_EFFECT[k].includes(run) ? 'takes effect' : 'refused';
      it(`${k} with ${run}: ${expected}`, () => {
        const chosen = new Set<SettingKey>([k]);
        const unused = unusedSetting(settingsFor(run, chosen), chosen);
        assert.equal(unused === null ? 'takes effect' : 'refused', expected);
        if (unused) {
          assert.equal(unused.setting, k);
          assert.ok(unused.why.length > 10, 'says why');
        }
      });
    }
  }

  it('beside a validation file, a split of the training file is refused, as is cross-validation', () => {
    for (const k of ['validationSplit', 'shuffleSplit', 'groupColumn'] as const) {
      const chosen = new Set<SettingKey>([k, 'validationFile']);
      const s = { ...settingsFor('seed', chosen), validationFile: 'dev.csv' };
      assert.equal(unusedSetting(s, chosen)?.setting, k);
    }
    const chosen = new Set<SettingKey>(['validationFile']);
    const s = { ...settingsFor('seed', chosen), validationFile: 'dev.csv' };
    assert.equal(unusedSetting(s, chosen), null);
    assert.equal(unusedSetting(s, chosen, true)?.setting, 'validationFile');
  });

  it('on folds (cross-validation, the best preset) a validation split or shuffle is refused: the folds hold out', () => {
    for (const k of ['validationSplit', 'shuffleSplit'] as const) {
      const chosen = new Set<SettingKey>([k]);
      const s = settingsFor('seed', chosen);
      assert.equal(unusedSetting(s, chosen), null);
      assert.match(unusedSetting(s, chosen, true)?.why ?? '', /holds out its own folds/);
    }
  });

  it('on folds (cross-validation, the best preset) keeping a checkpoint or not is refused: none is written', () => {
    const chosen = new Set<SettingKey>(['keepCheckpoint']);
    for (const keepCheckpoint of [true, false]) {
      const s = { ...settingsFor('seed', chosen), keepCheckpoint };
      assert.equal(unusedSetting(s, chosen), null);
      const unused = unusedSetting(s, chosen, true);
      assert.equal(unused?.setting, 'keepCheckpoint');
      assert.match(unused?.why ?? '', /no checkpoint/);
    }
  });

  it('the student keeps no checkpoint once its run ends, unless asked; its flags say so with --no-', () => {
    const student = { ...DEFAULT_SETTINGS, preset: 'student' as const };
    assert.equal(applyPreset(student, new Set()).keepCheckpoint, false);
    // Hinton et al.'s temperature by default; the user's own when given (1: the teacher's answers as they are).
    assert.equal(applyPreset(student, new Set()).temperature, 3);
    assert.equal(applyPreset(student, new Set<SettingKey>(['temperature'])).temperature, 1);
    assert.equal(applyPreset(student, new Set<SettingKey>(['keepCheckpoint'])).keepCheckpoint, true);
    assert.equal(applyPreset({ ...DEFAULT_SETTINGS, preset: 'vectors' }, new Set()).keepCheckpoint, true);
    assert.match(presetDefaultsAsFlags(PRESET_TABLE.student), / --no-keep-checkpoint( |$)/);
    assert.doesNotMatch(presetDefaultsAsFlags(PRESET_TABLE.student), /keep-checkpoint false/);
  });

  it("the ensemble's member on vectors trains with the vectors preset's defaults unless the user set them", () => {
    const none = new Set<SettingKey>();
    const s = settingsFor('ensemble+vectors', none);
    const [lstm, ngram, bilstm] = presetMembers(s, none);
    assert.deepEqual([lstm.kind, ngram.kind, bilstm.kind], ['lstm', 'ngram', 'bilstm']);
    assert.equal(lstm.settings.units, DEFAULT_SETTINGS.units);
    assert.equal(bilstm.settings.units, PRESET_TABLE.vectors.defaults.units);
    assert.equal(bilstm.settings.epochs, PRESET_TABLE.vectors.defaults.epochs);
    const chosen = new Set<SettingKey>(['units', 'epochs']);
    const given = { ...settingsFor('ensemble+vectors', chosen), units: 64, epochs: 3 };
    const members = presetMembers(given, chosen);
    assert.deepEqual(
      members.map((m) => [m.settings.units, m.settings.epochs]),
      [
        [64, 3],
        [64, 3],
        [64, 3],
      ],
    );
  });
});
