/** Per-epoch training record, saved as history.json with the run's settings and the epoch the model kept. */
import type { Monitor, RunSettingsJson } from '../settings.ts';
import type { MemberKind } from './member.ts';

export interface EpochLog {
  epoch: number;
  loss: number;
  acc: number;
  val_loss: number | null;
  val_acc: number | null;
  seconds: number;
}

export interface HistoryFile {
  settings: RunSettingsJson;
  epochs: EpochLog[];
  /** The epoch whose weights the model directory holds. */
  kept_epoch: number | null;
  /** An ensemble's other recurrent members (the first member's epochs are the ones above). */
  members?: MemberHistory[];
}

/** A recurrent member's epochs, and the one its weights come from. */
export interface MemberHistory {
  kind: MemberKind;
  /** A model trained on folds: the fold (1-based) this member's model was trained for. */
  fold?: number;
  epochs: EpochLog[];
  kept_epoch: number | null;
}

/**
 * Whether `a` beats `b` by `monitor` (higher val_acc, lower val_loss). Without validation scores
 * (no validation rows) the training loss decides.
 */
export function isBetter(a: EpochLog, b: EpochLog, monitor: Monitor): boolean {
  if (monitor === 'val_acc' && a.val_acc !== null && b.val_acc !== null) return a.val_acc > b.val_acc;
  if (monitor === 'val_loss' && a.val_loss !== null && b.val_loss !== null) return a.val_loss < b.val_loss;
  return a.loss < b.loss;
}

/** The first epoch nothing later beats by `monitor`; null before any epoch. */
export function bestEpoch(epochs: ReadonlyArray<EpochLog>, monitor: Monitor = 'val_acc'): EpochLog | null {
  let best: EpochLog | null = null;
  for (const e of epochs) if (best === null || isBetter(e, best, monitor)) best = e;
  return best;
}
