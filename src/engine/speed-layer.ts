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

// The one door from model/ to the engine's insides (with tf.ts): what the LSTM, its scorer and Adam
// use of the speed patches and the addon. A test keeps model/ from importing anything else of engine/.
export { clipGradient } from './patches/clip-gradient.ts';
export { dropoutMask } from './patches/dropout.ts';
export { type AdamState, adamState } from './patches/adam-internals.ts';
export {
  bidirectionalView,
  inboundNodes,
  type LstmLayer,
  lstmClass,
  lstmFromConfig,
  rnnView,
} from './patches/layers-internals.ts';
export type { OpAttr, TensorflowOps } from './patches/tensorflow-ops.ts';
export { patchRan } from './patches/usage.ts';
export { type AdamStepArgs, type ForestPass, type FusedLstmAddon, withOutputs } from './native-addon.ts';
export { type KernelArgs, type TensorInfo, setWasmKernel, type WasmKernel } from './kernel-registry.ts';
export { writesInPlace, wroteInPlace } from './written-in-place.ts';
