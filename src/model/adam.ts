/**
 * tfjs' Adam with each variable's update in one pass. tfjs updates a variable with ten kernels
 * (two moments, bias corrections, square root, division, step), each a pass over all its values; on
 * the blas engine the native addon does the same float32 arithmetic in one vectorised loop, so the
 * results are the same to the bit. Elsewhere it is tfjs' Adam (a JavaScript loop was slower than its
 * SIMD kernels). Saved and restored as tfjs' Adam.
 */
import * as tf from '../engine/tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type FusedLstmAddon, withOutputs } from '../engine/native-addon.ts';
import { adamState } from '../engine/patches/adam-internals.ts';
import type { KernelArgs, KernelFunc, TensorInfo } from '../engine/patches/wasm-kernel-types.ts';

export const FUSED_ADAM = 'SentimentFusedAdam';

interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/**
 * value, m, v, gradient (same shape) and the bias corrections 1 − β₁ᵗ, 1 − β₂ᵗ (scalars) in; the new
 * value, m and v out, computed by the native addon in one vectorised pass.
 */
function fusedAdamKernel(addon: FusedLstmAddon) {
  return ({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo[] => {
    const { value, m, v, gradient, correction1, correction2 } = inputs as Record<string, TensorInfo>;
    const a = attrs as unknown as AdamAttrs;
    const outs = [value, m, v].map((t) => wasm.makeOutput(t.shape, 'float32'));
    const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
    withOutputs(wasm, outs, () =>
      addon.adam({
        n: view(value).length,
        ...a,
        oneMinusBeta1: 1 - a.beta1,
        oneMinusBeta2: 1 - a.beta2,
        correction1: view(correction1)[0],
        correction2: view(correction2)[0],
        value: view(value),
        m: view(m),
        v: view(v),
        g: view(gradient),
        valueOut: view(outs[0]),
        mOut: view(outs[1]),
        vOut: view(outs[2]),
      }),
    );
    return outs;
  };
}

let registeredFor: FusedLstmAddon | null = null;

/** The fused step's kernel on the wasm backend, for `addon`. */
function registerFusedAdam(addon: FusedLstmAddon): void {
  if (registeredFor !== addon) {
    if (tf.getKernel(FUSED_ADAM, 'wasm')) tf.unregisterKernel(FUSED_ADAM, 'wasm');
    const kernel = fusedAdamKernel(addon);
    tf.registerKernel({
      kernelName: FUSED_ADAM,
      backendName: 'wasm',
      kernelFunc: ((args: KernelArgs) => kernel(args, args.backend as BackendWasm)) as KernelFunc,
    });
    registeredFor = addon;
  }
}

/** Made by kerasAdam for the blas engine, which hands it the addon; elsewhere kerasAdam makes tfjs' Adam. */
export class FusedAdam extends tf.AdamOptimizer {
  constructor(
    private readonly addon: FusedLstmAddon,
    ...args: ConstructorParameters<typeof tf.AdamOptimizer>
  ) {
    super(...args);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getBackend() !== 'wasm') {
      super.applyGradients(variableGradients);
      return;
    }
    registerFusedAdam(this.addon);
    const s = adamState(this);
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    tf.tidy(() => {
      const correction1 = tf.sub(1, s.accBeta1);
      const correction2 = tf.sub(1, s.accBeta2);
      const attrs = { beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, learningRate: s.learningRate };
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        s.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        s.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = (s.accumulatedFirstMoment[i] as { variable: tf.Variable }).variable;
        const v = (s.accumulatedSecondMoment[i] as { variable: tf.Variable }).variable;
        const [newValue, newM, newV] = tf
          .engine()
          .runKernel(
            FUSED_ADAM,
            { value, m, v, gradient, correction1, correction2 },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    s.incrementIterations();
  }
}
