import type { FusedLstmAddon } from './native-addon.ts';
import type { TensorflowOps } from './patches/tensorflow-ops.ts';

/**
 * What the speed patches give a model, handed to its layers and optimizer by whoever started the
 * engine: `native` is the blas engine's addon (the LSTM and Adam in one pass each); `tensorflow` runs
 * TensorFlow's own ops by name on the tensorflow engine (its fused LSTM kernels, where the layer's
 * settings fit them). Else both null: the LSTM trains as fused tfjs ops. A model handed none runs on
 * tfjs' public API alone: the patches are off, or it was built before an engine started.
 */
export interface SpeedLayer {
  readonly native: FusedLstmAddon | null;
  readonly tensorflow?: TensorflowOps | null;
}
