/**
 * tfjs-layers' LSTM, trained through one sequence-level op (sequence-op.ts) instead of a per-step loop,
 * when handed the engine's speed layer (useSpeedLayer); without it, tfjs' LSTM untouched.
 * It is the same layer to everything else: class name `LSTM`, same config, same weights and names,
 * so a saved model is an ordinary tfjs (and Keras) LSTM model. Where the engine has the native kernel
 * it runs inference too; configurations the op does not cover (states, masks, stateful) use tfjs'
 * own path. Every step's output (returnSequences) and the reversed direction (goBackwards, as the
 * backward half of a Bidirectional layer) go through the op: the latter reads the sequence reversed.
 */
import * as tf from '../../engine/tf.ts';
import {
  bidirectionalView,
  dropoutMask,
  type LstmLayer,
  lstmClass,
  lstmFromConfig,
  patchRan,
  rnnView,
  type SpeedLayer,
} from '../../engine/speed-layer.ts';
import { lstmSequenceByBlock } from './block-lstm.ts';
import { lstmOutputByKernel, lstmPath, lstmSequence, type GateActivation } from './sequence-op.ts';

type Kwargs = Parameters<LstmLayer['call']>[1];

const GATES: Record<string, GateActivation> = { hardSigmoid: 'hardSigmoid', sigmoid: 'sigmoid' };

const LstmBase = lstmClass();
const LSTM_FROM_CONFIG = lstmFromConfig();

/** What an LSTM needs to run over a prefix forest at inference: its weights as floats, and how it reads and returns a sequence. */
export interface LstmInferenceWeights {
  units: number;
  features: number;
  gate: GateActivation;
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array;
  /** Reads the sequence reversed (the backward half of a Bidirectional layer). */
  goBackwards: boolean;
  /** Returns every step's output, not the last. */
  returnSequences: boolean;
}

export class FusedLSTM extends LstmBase {
  static className = 'LSTM';

  /** Handed by whoever started the engine (useSpeedLayer); without it the layer is tfjs' own LSTM. */
  speed: SpeedLayer | null = null;

  /** The weights, when this layer's outputs are plain LSTM outputs (no states out, not stateful, tanh): then it can run over a prefix forest. Else null. */
  inferenceWeights(): LstmInferenceWeights | null {
    const self = rnnView(this);
    const cell = self.cell;
    const gate = GATES[cell.recurrentActivation.getClassName()];
    if (gate === undefined || cell.activation.getClassName() !== 'tanh' || self.returnState || self.stateful)
      return null;
    const kernel = cell.kernel.read();
    const units = cell.units;
    return {
      units,
      features: kernel.shape[0],
      gate,
      kernel: kernel.dataSync() as Float32Array,
      recurrentKernel: cell.recurrentKernel.read().dataSync() as Float32Array,
      bias: cell.useBias && cell.bias ? (cell.bias.read().dataSync() as Float32Array) : new Float32Array(4 * units),
      goBackwards: self.goBackwards,
      returnSequences: self.returnSequences,
    };
  }

  /** tfjs' LSTM.fromConfig, migration included: a file loads as it would without this class. */
  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    patchRan('fused-lstm-class');
    return LSTM_FROM_CONFIG(cls, config);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const speed = this.speed;
    // Without the speed layer nothing private is read: this is tfjs' LSTM.
    if (!speed) return super.call(inputs, kwargs);
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const self = rnnView(this);
    const cell = self.cell;
    const gate = GATES[cell.recurrentActivation.getClassName()];
    const training = kwargs?.training === true;
    const fusable =
      (!Array.isArray(inputs) || inputs.length === 1) &&
      kwargs.mask == null &&
      kwargs.initialState == null &&
      !self.returnState &&
      !self.stateful &&
      x.rank === 3 &&
      gate !== undefined &&
      cell.activation.getClassName() === 'tanh';
    const path = fusable ? lstmPath(training, speed, { gate }) : 'layer';
    if (path === 'layer') return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const [batch, , features] = x.shape;
      const units = cell.units;
      // tfjs' dropout of a tensor of ones is its mask.
      const mask = (shape: [number, number], rate: number) =>
        (training && rate > 0 && rate < 1
          ? tf.tensor2d(dropoutMask(shape[0] * shape[1], rate), shape)
          : tf.ones(shape)) as tf.Tensor2D;
      const args = {
        // tfjs' RNN reads the reversed sequence and returns its outputs in that order.
        x: (self.goBackwards ? tf.reverse(x, 1) : x) as tf.Tensor3D,
        kernel: cell.kernel.read() as tf.Tensor2D,
        recurrentKernel: cell.recurrentKernel.read() as tf.Tensor2D,
        bias: (cell.useBias && cell.bias ? cell.bias.read() : tf.zeros([4 * units])) as tf.Tensor1D,
        inputMask: mask([batch, features], cell.dropout),
        recurrentMask: mask([batch, units], cell.recurrentDropout),
      };
      if (path === 'block' && speed.tensorflow) {
        const recurrentDropout = training && cell.recurrentDropout > 0 && cell.recurrentDropout < 1;
        return lstmSequenceByBlock(args, self.returnSequences, speed.tensorflow, recurrentDropout);
      }
      return training || !speed.native
        ? lstmSequence(args, gate, self.returnSequences, speed.native)
        : lstmOutputByKernel(args, gate, self.returnSequences, speed.native);
    });
  }
}

let registered = false;

/**
 * Makes every `LSTM` a model file names load as FusedLSTM. The loader calls this itself: the class must be
 * registered before a model is read, and a side-effect import is too easy to lose (scoring once ran on
 * tfjs' per-step LSTM for days because no module on the predict path imported this file).
 */
export function registerFusedLstm(): void {
  if (registered) return;
  tf.serialization.registerClass(FusedLSTM);
  registered = true;
}

registerFusedLstm();

/** Hands `speed` to every LSTM of `model` (the halves of a Bidirectional too); null: tfjs' own LSTM. */
export function useSpeedLayer(model: tf.LayersModel, speed: SpeedLayer | null): void {
  for (const layer of model.layers) {
    const bi = bidirectionalView(layer);
    for (const l of bi ? [bi.forwardLayer, bi.backwardLayer] : [layer]) if (l instanceof FusedLSTM) l.speed = speed;
  }
}
