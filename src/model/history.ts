/** Per-epoch training record, saved as history.json with the run's settings. */
import type { RunSettingsJson } from '../settings.ts';

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
}

/** The epoch with the highest val_acc (or lowest loss without validation); null before any epoch. */
export function bestEpoch(epochs: ReadonlyArray<EpochLog>): EpochLog | null {
  let best: EpochLog | null = null;
  for (const e of epochs) {
    if (best === null) best = e;
    else if (e.val_acc !== null && best.val_acc !== null ? e.val_acc > best.val_acc : e.loss < best.loss) best = e;
  }
  return best;
}
