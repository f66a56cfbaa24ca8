import type { FusedLstmAddon } from './native-addon.ts';

/**
 * What the speed patches give a model, handed to its layers and optimizer by whoever started the
 * engine: `native` is the blas engine's addon (the LSTM and Adam in one pass each), else null (the LSTM
 * trains as fused tfjs ops). A model handed none runs on tfjs' public API alone: the patches are off, or
 * it was built before an engine started.
 */
export interface SpeedLayer {
  readonly native: FusedLstmAddon | null;
}
