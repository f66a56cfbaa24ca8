import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type ForestPass,
  type FusedLstmAddon,
  type KernelArgs,
  setWasmKernel,
  type TensorInfo,
  withOutputs,
} from '../../engine/speed-layer.ts';

export const FUSED_LSTM = 'FusedLstm';
export const FUSED_LSTM_GRAD = 'FusedLstmGrad';

type Floats = Float32Array;

/** How often each native LSTM pass ran in this process: the probe that shows the native kernel is in use. */
export interface NativeLstmCalls {
  forward: number;
  backward: number;
  /** Inference over a prefix forest (prefix-scoring.ts). */
  tree: number;
}

const calls: NativeLstmCalls = { forward: 0, backward: 0, tree: 0 };

export function nativeLstmCalls(): NativeLstmCalls {
  return { ...calls };
}

/** The addon's forward pass over a prefix forest (counted with the others). */
export function runForwardTree(addon: FusedLstmAddon, args: ForestPass): void {
  addon.forwardTree(args);
  calls.tree += 1;
}

/** Two forests at once, one per core (a bidirectional layer's directions); each counted as a pass. */
export function runForwardTreePair(addon: FusedLstmAddon, first: ForestPass, second: ForestPass): void {
  addon.forwardTreePair({ first, second });
  calls.tree += 2;
}

interface Shape {
  batch: number;
  steps: number;
  features: number;
  units: number;
}

function shapeOf(x: TensorInfo, recurrentKernel: TensorInfo): Shape {
  if (x.shape.length !== 3 || recurrentKernel.shape.length !== 2)
    throw new Error(
      `the fused LSTM takes x [batch, steps, features] and a 2-d recurrent kernel, not [${x.shape}] and [${recurrentKernel.shape}]`,
    );
  const [batch, steps, features] = x.shape;
  return { batch, steps, features, units: recurrentKernel.shape[0] };
}

/**
 * Every input's shape and type against `shape`, before the addon is called: the addon checks lengths
 * too, but only these say which tensor of the model is wrong.
 */
function checkInputs(inputs: Record<string, TensorInfo>, expected: Record<string, number[]>): void {
  for (const [name, want] of Object.entries(expected)) {
    const t = inputs[name];
    if (!t) throw new Error(`the fused LSTM was not given ${name}`);
    if (t.dtype !== 'float32' || t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i]))
      throw new Error(`the fused LSTM's ${name} is ${t.dtype} [${t.shape}], expected float32 [${want}]`);
  }
}

/** The weights' and masks' shapes for `shape`. */
function weightShapes({ batch, features, units }: Shape): Record<string, number[]> {
  return {
    kernel: [features, 4 * units],
    recurrentKernel: [units, 4 * units],
    inputMask: [batch, features],
    recurrentMask: [batch, units],
  };
}

/** What FusedLstm returns after h, for FusedLstmGrad: x·mx, gate values, c, tanh(c), h_prev·mh. */
function keptShapes({ batch, steps, features, units }: Shape): number[][] {
  return [
    [batch, steps, features],
    [batch, steps, 4 * units],
    [batch, steps, units],
    [batch, steps, units],
    [batch, steps, units],
  ];
}

/** `sequences`: every step's output (return_sequences), [batch, steps, units]; else the last, [batch, units]. */
type Attrs = { hardSigmoid: boolean; sequences?: boolean };

function forwardKernel(addon: FusedLstmAddon) {
  return ({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo[] => {
    const { x, kernel, recurrentKernel, bias, inputMask, recurrentMask } = inputs as Record<string, TensorInfo>;
    const shape = shapeOf(x, recurrentKernel);
    const sequences = (attrs as Attrs).sequences === true;
    checkInputs(inputs as Record<string, TensorInfo>, { ...weightShapes(shape), bias: [4 * shape.units] });
    const h = wasm.makeOutput([shape.batch, shape.units], 'float32');
    const hSeq = sequences ? wasm.makeOutput([shape.batch, shape.steps, shape.units], 'float32') : null;
    const kept = keptShapes(shape).map((s) => wasm.makeOutput(s, 'float32'));
    const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Floats;
    const [xm, act, c, tc, hm] = kept.map(view);
    const args = {
      ...shape,
      hardSigmoid: (attrs as Attrs).hardSigmoid,
      x: view(x),
      w: view(kernel),
      u: view(recurrentKernel),
      b: view(bias),
      mx: view(inputMask),
      mh: view(recurrentMask),
      xm,
      act,
      c,
      tc,
      hm,
      h: view(h),
      sequences,
      ...(hSeq ? { hSeq: view(hSeq) } : {}),
    };
    withOutputs(wasm, [h, ...(hSeq ? [hSeq] : []), ...kept], () => addon.forward(args));
    calls.forward += 1;
    if (!hSeq) return [h, ...kept];
    wasm.disposeData(h.dataId);
    return [hSeq, ...kept];
  };
}

function backwardKernel(addon: FusedLstmAddon) {
  return ({ inputs, attrs }: KernelArgs, wasm: BackendWasm): TensorInfo[] => {
    const i = inputs as Record<string, TensorInfo>;
    const shape = shapeOf(i.xm, i.recurrentKernel);
    const { batch, steps, units } = shape;
    const sequences = (attrs as Attrs).sequences === true;
    const kept = keptShapes(shape);
    checkInputs(i, {
      ...weightShapes(shape),
      dy: sequences ? [batch, steps, units] : [batch, units],
      ...Object.fromEntries(['xm', 'act', 'c', 'tc', 'hm'].map((name, k) => [name, kept[k]])),
    });
    const outs = [i.xm, i.kernel, i.recurrentKernel].map((t) => wasm.makeOutput(t.shape, 'float32'));
    const db = wasm.makeOutput([4 * units], 'float32');
    const scratch = wasm.makeOutput([batch * steps * 4 * units + 2 * batch * units], 'float32');
    const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Floats;
    const args = {
      ...shape,
      hardSigmoid: (attrs as Attrs).hardSigmoid,
      sequences,
      dy: view(i.dy),
      w: view(i.kernel),
      u: view(i.recurrentKernel),
      mx: view(i.inputMask),
      mh: view(i.recurrentMask),
      xm: view(i.xm),
      act: view(i.act),
      c: view(i.c),
      tc: view(i.tc),
      hm: view(i.hm),
      dx: view(outs[0]),
      dw: view(outs[1]),
      du: view(outs[2]),
      db: view(db),
      scratch: view(scratch),
    };
    try {
      withOutputs(wasm, [...outs, db], () => addon.backward(args));
      calls.backward += 1;
    } finally {
      wasm.disposeData(scratch.dataId);
    }
    return [...outs, db];
  };
}

let registeredFor: FusedLstmAddon | null = null;

/** Registers both kernels on the wasm backend for `addon` (once per addon). */
export function registerFusedLstmKernels(addon: FusedLstmAddon): void {
  if (registeredFor === addon) return;
  setWasmKernel(FUSED_LSTM, forwardKernel(addon));
  setWasmKernel(FUSED_LSTM_GRAD, backwardKernel(addon));
  registeredFor = addon;
}
