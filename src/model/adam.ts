/**
 * tfjs' Adam with each variable's update in one pass. tfjs updates a variable with ten kernels
 * (two moments, bias corrections, square root, division, step), each a pass over all its values; on
 * the blas engine the native addon does the same float32 arithmetic in one vectorised loop, so the
 * results are the same to the bit; a large variable with a sparse gradient (the embedding of the member
 * on vectors) is updated in place, skipping the rows no gradient has touched. Elsewhere it is tfjs'
 * Adam (a JavaScript loop was slower than its SIMD kernels). Saved and restored as tfjs' Adam.
 */
import * as tf from '../engine/tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type AdamStepArgs,
  type FusedLstmAddon,
  withOutputs,
  adamState,
  wroteInPlace,
  type KernelArgs,
  setWasmKernel,
  type TensorInfo,
} from '../engine/speed-layer.ts';

export const FUSED_ADAM = 'SentimentFusedAdam';

interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/** The addon's scalars for one step: 1 − β in double precision, as tfjs computes it in JavaScript. */
function stepScalars(
  a: AdamAttrs,
  correction1: number,
  correction2: number,
): Omit<AdamStepArgs, 'value' | 'm' | 'v' | 'g'> {
  return { ...a, oneMinusBeta1: 1 - a.beta1, oneMinusBeta2: 1 - a.beta2, correction1, correction2 };
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
        ...stepScalars(a, view(correction1)[0], view(correction2)[0]),
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
    setWasmKernel(FUSED_ADAM, fusedAdamKernel(addon));
    registeredFor = addon;
  }
}

/** The rows each large variable's gradient has touched so far, kept by its first moment. */
const touchedRows = new WeakMap<tf.Variable, Uint8Array>();

/** A variable this large, in rows, is updated in place, skipping the rows no gradient has touched. */
const IN_PLACE_FROM = 1 << 18;

/**
 * Adam's step for a large [rows, width] variable (the embedding of a 100,000-word vocabulary, whose
 * gradient touches the few thousand words of a batch), in place, skipping the rows its gradient has
 * never touched: for them the full update leaves value, m and v the same to the bit, and writing three
 * new copies of the whole variable was a sixth of a training step. Only where nothing else holds
 * the variable's or its moments' memory (a clone shares it); false when it did nothing, and the caller
 * takes the full update (which touches rows it does not track, so their record is dropped).
 */
function updateRowsInPlace(
  addon: FusedLstmAddon,
  t: {
    value: tf.Variable;
    m: tf.Variable;
    v: tf.Variable;
    gradient: tf.Tensor;
    correction1: tf.Tensor;
    correction2: tf.Tensor;
  },
  attrs: AdamAttrs,
): boolean {
  const { value, m, v, gradient } = t;
  if (value.rank !== 2 || value.size < IN_PLACE_FROM || value.dtype !== 'float32') return false;
  if (gradient.dtype !== 'float32' || gradient.size !== value.size) return false;
  const wasm = tf.backend() as BackendWasm;
  if ([value, m, v].some((x) => wasm.refCount(x.dataId) !== 1)) return false;
  const view = (x: tf.Tensor) => wasm.typedArrayFromHeap(x) as Float32Array;
  const [rows, width] = value.shape;
  let touched = touchedRows.get(m);
  if (!touched) {
    // Moments restored from a checkpoint (or left by full updates): a row with any is touched.
    touched = new Uint8Array(rows);
    const mv = view(m);
    const vv = view(v);
    for (let i = 0; i < mv.length; i++) if (mv[i] !== 0 || vv[i] !== 0) touched[Math.floor(i / width)] = 1;
    touchedRows.set(m, touched);
  }
  addon.adamRows({
    rows,
    width,
    ...stepScalars(attrs, view(t.correction1)[0], view(t.correction2)[0]),
    touched,
    value: view(value),
    m: view(m),
    v: view(v),
    g: view(gradient),
  });
  for (const x of [value, m, v]) wroteInPlace(x.dataId);
  return true;
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
        if (updateRowsInPlace(this.addon, { value, m, v, gradient, correction1, correction2 }, attrs)) return;
        touchedRows.delete(m);
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
