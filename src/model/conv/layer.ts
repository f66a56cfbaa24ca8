/**
 * tfjs-layers' Conv1D, computed as one matrix product over the input's windows (each step's k
 * neighbours side by side) instead of tfjs' conv2d op. tfjs' WebAssembly backend (4.22) has no
 * Conv2DBackpropFilter, so a Conv1D cannot train on the wasm or blas engines; slices, a concat and a
 * matMul have gradients everywhere, and on the blas engine the product runs in OpenBLAS.
 * It is the same layer to everything else: class name `Conv1D`, same config, weights and names, so a
 * saved model is an ordinary tfjs (and Keras) Conv1D model. Settings the windows do not cover
 * (strides, dilation, channels first) use tfjs' own path.
 */
import * as tf from '../../engine/tf.ts';
import { type Conv1dLayer, conv1dClass, conv1dView } from '../../engine/patches/layers-internals.ts';

type Kwargs = Parameters<Conv1dLayer['call']>[1];

const Conv1dBase = conv1dClass();

/** Zero steps added before and after the sequence for `padding` and a window of `width`, as TensorFlow pads. */
export function windowPadding(padding: string, width: number): [number, number] {
  if (padding === 'valid') return [0, 0];
  if (padding === 'causal') return [width - 1, 0];
  const before = Math.floor((width - 1) / 2);
  return [before, width - 1 - before];
}

export class WindowConv1D extends Conv1dBase {
  static className = 'Conv1D';

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const self = conv1dView(this);
    const dilation = Array.isArray(self.dilationRate) ? self.dilationRate[0] : self.dilationRate;
    const kernel = self.kernel;
    if (self.strides[0] !== 1 || dilation !== 1 || self.dataFormat !== 'channelsLast' || !kernel)
      return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, steps, channels] = x.shape as [number, number, number];
      const width = self.kernelSize[0];
      const [before, after] = windowPadding(self.padding, width);
      const padded =
        before + after > 0
          ? tf.pad(x, [
              [0, 0],
              [before, after],
              [0, 0],
            ])
          : x;
      const outSteps = steps + before + after - width + 1;
      if (outSteps < 1)
        throw new Error(`a Conv1D of width ${width} with ${self.padding} padding needs at least ${width} steps`);
      // [batch, outSteps, width · channels]: each output step's window, oldest step first (the kernel's order).
      const windows =
        width === 1
          ? padded
          : tf.concat(
              Array.from({ length: width }, (_, j) => tf.slice(padded, [0, j, 0], [batch, outSteps, channels])),
              2,
            );
      let y = tf.matMul(
        tf.reshape(windows, [batch * outSteps, width * channels]),
        tf.reshape(kernel.read(), [width * channels, self.filters]),
      );
      if (self.useBias && self.bias) y = tf.add(y, self.bias.read());
      return tf.reshape(self.activation.apply(y), [batch, outSteps, self.filters]);
    });
  }
}

let registered = false;

/** Makes every `Conv1D` a model file names load as WindowConv1D (the loader calls this, as for the LSTM). */
export function registerWindowConv1D(): void {
  if (registered) return;
  tf.serialization.registerClass(WindowConv1D);
  registered = true;
}

registerWindowConv1D();
