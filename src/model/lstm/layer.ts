/**
 * tfjs-layers' LSTM, trained through one sequence-level op (sequence.ts) instead of a per-step loop.
 * It is the same layer to everything else: class name `LSTM`, same config, same weights and names,
 * so a saved model is an ordinary tfjs (and Keras) LSTM model. Where the engine has the native kernel
 * it runs inference too; configurations the op does not cover (states, masks, stateful) use tfjs'
 * own path. Every step's output (returnSequences) and the reversed direction (goBackwards, as the
 * backward half of a Bidirectional layer) go through the op: the latter reads the sequence reversed.
 */
import * as tf from '../../engine/tf.ts';
import { dropoutMask } from '../../engine/patches/dropout.ts';
import { lstmOutputByKernel, lstmPath, lstmSequence, type GateActivation } from './sequence-op.ts';

type LstmArgs = Parameters<typeof tf.layers.lstm>[0];
type LstmLayer = ReturnType<typeof tf.layers.lstm>;
type Kwargs = Parameters<LstmLayer['call']>[1];

/** The parts of tfjs' LSTMCell the fused op reads (the cell is not in tfjs' public types). */
interface CellView {
  units: number;
  dropout: number;
  recurrentDropout: number;
  useBias: boolean;
  activation: { getClassName(): string };
  recurrentActivation: { getClassName(): string };
  kernel: { read(): tf.Tensor };
  recurrentKernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
}

interface RnnView {
  cell: CellView;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
}

const GATES: Record<string, GateActivation> = { hardSigmoid: 'hardSigmoid', sigmoid: 'sigmoid' };

// tfjs-layers does not export the LSTM class; its serialization registry has it.
const LstmBase = tf.serialization.SerializationMap.getMap().classNameMap.LSTM[0] as unknown as new (
  args: LstmArgs,
) => LstmLayer;

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

  /** The weights, when this layer's outputs are plain LSTM outputs (no states out, not stateful, tanh): then it can run over a prefix forest. Else null. */
  inferenceWeights(): LstmInferenceWeights | null {
    const self = this as unknown as RnnView;
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

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const self = this as unknown as RnnView;
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
    const path = fusable ? lstmPath(training) : 'layer';
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
      return training
        ? lstmSequence(args, gate, self.returnSequences)
        : lstmOutputByKernel(args, gate, self.returnSequences);
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
