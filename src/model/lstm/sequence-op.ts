/**
 * An LSTM over a whole sequence as one differentiable op, with tfjs-layers' LSTM semantics
 * (implementation 2: z = (x⊙m)·W + (h⊙r)·U + b, gates i, f, c̃, o; one input and one recurrent
 * dropout mask fixed across time steps), returning the last output.
 *
 * tfjs runs its LSTM one time step at a time through autodiff: ~60 kernels a step forward and back.
 * Here the gradient is written out: the recurrent product and the gate arithmetic run per step, the
 * input projection and the kernel, recurrent-kernel, bias and input gradients once per few steps.
 * Same values, fewer kernels. Where the engine has the native kernel (kernels.ts), the whole
 * sequence, forward and backward, is one call each. `lstmPath` is the one place that chooses.
 */
import * as tf from '../../engine/tf.ts';
import { clipGradient, type FusedLstmAddon, type SpeedLayer } from '../../engine/speed-layer.ts';
import { fitsBlockLstm } from './block-lstm.ts';
import { FUSED_LSTM, FUSED_LSTM_GRAD, registerFusedLstmKernels } from './kernels.ts';
import type { GateActivation, LstmSequenceInputs } from './sequence-inputs.ts';

export type { GateActivation, LstmSequenceInputs } from './sequence-inputs.ts';

/** A gate's activation, and what its gradient needs: tfjs' hardSigmoid is clip(0.2·z + 0.5, 0, 1). */
function gate(z: tf.Tensor, activation: GateActivation): { a: tf.Tensor; pre: tf.Tensor } {
  if (activation === 'sigmoid') {
    const a = tf.sigmoid(z);
    return { a, pre: a };
  }
  const pre = tf.add(tf.mul(z, 0.2), 0.5);
  return { a: tf.clipByValue(pre, 0, 1), pre };
}

/** d gate / dz times `d`, as tfjs' own gradients compute it (the clip's edges included). */
function gateGrad(d: tf.Tensor, pre: tf.Tensor, activation: GateActivation): tf.Tensor {
  if (activation === 'sigmoid') return tf.mul(d, tf.mul(pre, tf.sub(1, pre)));
  return tf.mul(clipGradient(d, pre, 0, 1), 0.2);
}

interface CellStep {
  c: tf.Tensor;
  h: tf.Tensor;
  /** What the backward pass needs from this step, besides c_prev. */
  kept: tf.Tensor[];
}

/** One step's gate arithmetic, forward; keeps the gate values for the backward pass. */
function cellForward(z: tf.Tensor, c: tf.Tensor, activation: GateActivation): CellStep {
  const [zi, zf, zg, zo] = tf.split(z, 4, 1);
  const [i, f, o] = [gate(zi, activation), gate(zf, activation), gate(zo, activation)];
  const g = tf.tanh(zg);
  const cNew = tf.add(tf.mul(f.a, c), tf.mul(i.a, g));
  const tc = tf.tanh(cNew);
  return { c: cNew, h: tf.mul(o.a, tc), kept: [i.a, i.pre, f.a, f.pre, o.a, o.pre, g, tc] };
}

/**
 * dz for one step and the carried dc for the step before. (One JS pass over the wasm heap for this
 * measured slower than these tfjs kernels, as did one for the forward step.)
 */
function cellBackward(
  dh: tf.Tensor,
  dc: tf.Tensor,
  kept: tf.Tensor[],
  cPrev: tf.Tensor,
  activation: GateActivation,
): { dz: tf.Tensor; dc: tf.Tensor } {
  const [i, iPre, f, fPre, o, oPre, g, tc] = kept;
  const dcT = tf.add(dc, tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tc))));
  const dz = tf.concat(
    [
      gateGrad(tf.mul(dcT, g), iPre, activation),
      gateGrad(tf.mul(dcT, cPrev), fPre, activation),
      tf.mul(tf.mul(dcT, i), tf.sub(1, tf.square(g))),
      gateGrad(tf.mul(dh, tc), oPre, activation),
    ],
    1,
  );
  return { dz, dc: tf.mul(dcT, f) };
}

/**
 * Time steps per matrix product for the input projection and the kernel/input gradients. Whole-
 * sequence products (27,136 rows) run at half speed on wasm: their operands outgrow the caches.
 */
export const STEPS_PER_PRODUCT = 4;

/**
 * Which implementation runs an LSTM: `native` (the addon's kernels, on the blas engine), `block`
 * (TensorFlow's fused kernels on the tensorflow engine, where the settings fit them: block-lstm.ts),
 * `ops` (the op below, for training elsewhere), or `layer` (tfjs' own LSTM, for inference elsewhere:
 * as fast as the op without the kernel).
 */
export type LstmPath = 'native' | 'block' | 'ops' | 'layer';

export function lstmPath(
  training: boolean,
  speed: SpeedLayer,
  lstm: { gate: GateActivation } = { gate: 'hardSigmoid' },
): LstmPath {
  if (speed.native) return 'native';
  if (speed.tensorflow && fitsBlockLstm(lstm.gate)) return 'block';
  return training ? 'ops' : 'layer';
}

/**
 * The LSTM's last output [batch, units], or with `sequences` every step's [batch, steps, units],
 * differentiable: through the `native` addon's kernels when given (the blas engine), else tfjs ops.
 */
export function lstmSequence(
  inputs: LstmSequenceInputs,
  activation: GateActivation,
  sequences = false,
  native: FusedLstmAddon | null = null,
): tf.Tensor {
  if (!native) return lstmSequenceByOps(inputs, activation, sequences);
  registerFusedLstmKernels(native);
  return lstmSequenceByKernel(inputs, activation, sequences);
}

function lstmSequenceByOps(
  inputs: LstmSequenceInputs,
  activation: GateActivation,
  sequences: boolean,
  chunk = STEPS_PER_PRODUCT,
): tf.Tensor {
  const { x, kernel, recurrentKernel, bias, inputMask, recurrentMask } = inputs;
  const [batch, steps, features] = x.shape;
  const units = recurrentKernel.shape[0];
  const chunks: [number, number][] = [];
  for (let t = 0; t < steps; t += chunk) chunks.push([t, Math.min(steps, t + chunk)]);
  const rows = (t0: number, t1: number) => [t0 * batch, (t1 - t0) * batch] as const;
  const run = tf.customGrad((...args: (tf.Tensor | ((saved: tf.Tensor[]) => void))[]) => {
    const [xs, w, u, b, mx, mh] = args as tf.Tensor[];
    const save = args[6] as (saved: tf.Tensor[]) => void;
    // Time-major rows: step t is rows t·batch … (t+1)·batch-1.
    const xt = tf.reshape(tf.transpose(tf.mul(xs, tf.expandDims(mx, 1)), [1, 0, 2]), [steps * batch, features]);
    // Kept per step for the backward pass: what cellBackward needs, c, and h⊙r.
    const kept: tf.Tensor[][] = [];
    const cs: tf.Tensor[] = [];
    const hms: tf.Tensor[] = [];
    const hs: tf.Tensor[] = [];
    let h: tf.Tensor = tf.zeros([batch, units]);
    let c: tf.Tensor = tf.zeros([batch, units]);
    cs.push(c);
    // Each step in its own scope: a step's temporaries (the gate slices, z) go as it ends instead of
    // living until the whole forward pass does (on tensorflow that held ~3× the memory of what is kept).
    for (const [t0, t1] of chunks) {
      const [r0, n] = rows(t0, t1);
      const xw = tf.add(tf.matMul(tf.slice(xt, [r0, 0], [n, features]), w), b);
      for (let t = t0; t < t1; t++) {
        const [hPrev, cPrev] = [h, c];
        const step = tf.tidy(() => {
          const hm = tf.mul(hPrev, mh);
          const z = tf.add(tf.slice(xw, [(t - t0) * batch, 0], [batch, 4 * units]), tf.matMul(hm, u));
          return { hm, ...cellForward(z, cPrev, activation) };
        });
        c = step.c;
        h = step.h;
        kept.push(step.kept);
        cs.push(c);
        hms.push(step.hm);
        hs.push(h);
      }
      xw.dispose();
    }
    save([xt, w, u, mx, mh, ...kept.flat(), ...cs, ...hms]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] => {
      const [sxt, sw, su, smx, smh] = saved;
      const PER_STEP = (saved.length - 6 - 2 * steps) / steps;
      const sk = saved.slice(5, 5 + PER_STEP * steps);
      const sc = saved.slice(5 + PER_STEP * steps, 6 + (PER_STEP + 1) * steps);
      const shm = saved.slice(6 + (PER_STEP + 1) * steps);
      const dOut = Array.isArray(dy) ? dy[0] : dy;
      // With sequences, step t's output adds its own gradient to the dh flowing back into it.
      const stepGrad = (t: number) => tf.reshape(tf.slice(dOut, [0, t, 0], [batch, 1, units]), [batch, units]);
      let dh = sequences ? stepGrad(steps - 1) : dOut;
      let dc: tf.Tensor = tf.zerosLike(dh);
      // The weight gradients accumulate transposed (dZᵀ·x, not xᵀ·dZ): a product packs its right operand,
      // and x and h are 4× smaller than dZ; dZ is transposed once for both.
      let dwT: tf.Tensor = tf.zeros([4 * units, features]);
      let duT: tf.Tensor = tf.zeros([4 * units, units]);
      let db: tf.Tensor = tf.zeros([4 * units]);
      const dxs: tf.Tensor[] = new Array<tf.Tensor>(chunks.length);
      for (let k = chunks.length - 1; k >= 0; k--) {
        const [t0, t1] = chunks[k];
        const dzs: tf.Tensor[] = new Array<tf.Tensor>(t1 - t0);
        for (let t = t1 - 1; t >= t0; t--) {
          // One scope a step (and a chunk, below): tfjs frees a gradient's temporaries only when the whole
          // backward pass ends, otherwise.
          const [dhNext, dcNext] = [dh, dc];
          const back = tf.tidy(() => {
            const { dz, dc } = cellBackward(
              dhNext,
              dcNext,
              sk.slice(PER_STEP * t, PER_STEP * (t + 1)),
              sc[t],
              activation,
            );
            let dh = tf.mul(tf.matMul(dz, su, false, true), smh);
            if (sequences && t > 0) dh = tf.add(dh, stepGrad(t - 1));
            return { dz, dc, dh };
          });
          tf.dispose(dhNext === dOut ? [dcNext] : [dhNext, dcNext]);
          dc = back.dc;
          dh = back.dh;
          dzs[t - t0] = back.dz;
        }
        const [r0, n] = rows(t0, t1);
        const [dwPrev, duPrev, dbPrev] = [dwT, duT, db];
        const sums = tf.tidy(() => {
          const dZ = dzs.length === 1 ? dzs[0] : tf.concat(dzs, 0);
          const hm = shm.length === 1 || t1 - t0 === 1 ? shm[t0] : tf.concat(shm.slice(t0, t1), 0);
          const dZT = tf.transpose(dZ);
          return {
            dwT: tf.add(dwPrev, tf.matMul(dZT, tf.slice(sxt, [r0, 0], [n, features]))),
            duT: tf.add(duPrev, tf.matMul(dZT, hm)),
            db: tf.add(dbPrev, tf.sum(dZ, 0)),
            dx: tf.matMul(dZ, sw, false, true),
          };
        });
        tf.dispose([dwPrev, duPrev, dbPrev, ...dzs]);
        ({ dwT, duT, db } = sums);
        dxs[k] = sums.dx;
      }
      const dxt = dxs.length === 1 ? dxs[0] : tf.concat(dxs, 0);
      const dx = tf.mul(tf.transpose(tf.reshape(dxt, [steps, batch, features]), [1, 0, 2]), tf.expandDims(smx, 1));
      return [dx, tf.transpose(dwT), tf.transpose(duT), db, tf.zerosLike(smx), tf.zerosLike(smh)];
    };
    return { value: sequences ? tf.stack(hs, 1) : h, gradFunc };
  });
  return run(x, kernel, recurrentKernel, bias, inputMask, recurrentMask);
}

/** The output alone, for inference, through the `native` addon's forward kernel. */
export function lstmOutputByKernel(
  inputs: LstmSequenceInputs,
  activation: GateActivation,
  sequences: boolean,
  native: FusedLstmAddon,
): tf.Tensor {
  registerFusedLstmKernels(native);
  const { x, kernel, recurrentKernel, bias, inputMask, recurrentMask } = inputs;
  const [h, ...kept] = tf
    .engine()
    .runKernel(
      FUSED_LSTM,
      { x, kernel, recurrentKernel, bias, inputMask, recurrentMask },
      { hardSigmoid: activation === 'hardSigmoid', sequences },
    ) as tf.Tensor[];
  tf.dispose(kept);
  return h;
}

/** The same op through the FusedLstm/FusedLstmGrad kernels. */
function lstmSequenceByKernel(inputs: LstmSequenceInputs, activation: GateActivation, sequences: boolean): tf.Tensor {
  const { x, kernel, recurrentKernel, bias, inputMask, recurrentMask } = inputs;
  const attrs = { hardSigmoid: activation === 'hardSigmoid', sequences };
  const run = tf.customGrad((...args: (tf.Tensor | ((saved: tf.Tensor[]) => void))[]) => {
    const [xs, w, u, b, mx, mh] = args as tf.Tensor[];
    const save = args[6] as (saved: tf.Tensor[]) => void;
    const [h, ...kept] = tf
      .engine()
      .runKernel(
        FUSED_LSTM,
        { x: xs, kernel: w, recurrentKernel: u, bias: b, inputMask: mx, recurrentMask: mh },
        attrs,
      ) as tf.Tensor[];
    save([w, u, mx, mh, ...kept]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] => {
      const [sw, su, smx, smh, xm, act, c, tc, hm] = saved;
      const grads = tf.engine().runKernel(
        FUSED_LSTM_GRAD,
        {
          dy: Array.isArray(dy) ? dy[0] : dy,
          kernel: sw,
          recurrentKernel: su,
          inputMask: smx,
          recurrentMask: smh,
          xm,
          act,
          c,
          tc,
          hm,
        },
        attrs,
      ) as tf.Tensor[];
      return [...grads, tf.zerosLike(smx), tf.zerosLike(smh)];
    };
    return { value: h, gradFunc };
  });
  return run(x, kernel, recurrentKernel, bias, inputMask, recurrentMask);
}
