/** What a resumed run checks against its checkpoint: the same data, the same settings, no fewer epochs. */
import { ResumeMismatchError, SettingError } from '../errors.ts';
import { FIXED_ON_RESUME, type RunSettings, type SettingKey } from '../settings.ts';
import { type Checkpoint, checkpointPath, type InputDigests } from './checkpoint.ts';

/** A checkpoint resumes on the data it was trained on, to the byte. */
export function checkSameData(checkpoint: Checkpoint, sha256: string, file: string): void {
  const { state } = checkpoint;
  if (state.data_sha256 !== sha256) {
    throw new SettingError(
      'resume',
      `this file's sha256 (${sha256.slice(0, 12)}…) differs from the data the checkpoint was trained on (${state.data_file}, ${state.data_sha256.slice(0, 12)}…)`,
      { where: { file } },
    );
  }
}

/**
 * And from the same validation file and teacher, where the checkpoint recorded them (the settings name
 * the same paths; these say the same bytes): a teacher trained again in place teaches other targets.
 */
export function checkSameInputs(
  checkpoint: Checkpoint,
  now: InputDigests,
  paths: { validationFile: string | null; teacher: string | null },
): void {
  const was = checkpoint.state.inputs_sha256;
  if (was === undefined) return;
  const inputs = [
    ['validation_file', 'validationFile', 'validation file'],
    ['teacher', 'teacher', 'teacher'],
  ] as const;
  for (const [key, setting, what] of inputs) {
    if (was[key] === undefined || was[key] === now[key]) continue;
    throw new SettingError(
      'resume',
      `the ${what} ${paths[setting] ?? ''} has changed since the checkpoint was written (sha256 ${was[key].slice(0, 12)}… then, ${(now[key] ?? 'none').slice(0, 12)}… now): a resumed run goes on from the same inputs; train again without resuming`,
      { where: { file: checkpoint.dir } },
    );
  }
}

/**
 * The checkpoint's settings with the epochs asked for (and keepCheckpoint, where chosen); other settings
 * the user chose must equal the checkpoint's.
 */
export function resumeSettings(
  given: RunSettings,
  explicit: ReadonlySet<SettingKey>,
  checkpoint: Checkpoint,
  out: string,
): RunSettings {
  const { state, settings } = checkpoint;
  const differ = FIXED_ON_RESUME.filter((k) => explicit.has(k) && given[k] !== null && given[k] !== settings[k]);
  if (differ.length > 0)
    throw new ResumeMismatchError(
      differ.map((k) => ({ setting: k, given: given[k], checkpoint: settings[k] })),
      checkpointPath(out),
    );
  if (given.epochs < state.epoch) {
    throw new SettingError(
      'epochs',
      `the checkpoint has ${state.epoch} epochs done, more than the ${given.epochs} asked for`,
      { where: { file: checkpointPath(out) } },
    );
  }
  // Whether checkpoint/ stays after this run is the resuming run's choice.
  const keep = explicit.has('keepCheckpoint') ? given.keepCheckpoint : settings.keepCheckpoint;
  return { ...settings, epochs: given.epochs, keepCheckpoint: keep };
}
