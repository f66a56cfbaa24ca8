/**
 * TensorFlow.js as this tool uses it: the core (tensors, ops, kernels, io, optimizers) and the layers API,
 * not the `@tensorflow/tfjs` bundle, which also loads the converter, data, CPU and WebGL packages.
 * Both are loaded with `require`: Node's ESM `import` of these CommonJS bundles first scans their
 * whole source for export names, about 0.25 s of every command's start-up.
 * tfjs-node registers its backend into this same core.
 */
import { createRequire } from 'node:module';
import type * as Core from '@tensorflow/tfjs-core';
import type * as Layers from '@tensorflow/tfjs-layers';
import { registerChainedOps } from './patches/chained-ops.ts';

export type * from '@tensorflow/tfjs-core';
export type * from '@tensorflow/tfjs-layers';

const load = createRequire(import.meta.url);

/** Loads a backend package, which registers itself with the core. */
export function loadBackendPackage(pkg: '@tensorflow/tfjs-backend-wasm' | '@tensorflow/tfjs-backend-cpu'): void {
  load(pkg);
}
const core = load('@tensorflow/tfjs-core') as typeof Core;
registerChainedOps(core);
const layersApi = load('@tensorflow/tfjs-layers') as typeof Layers;

export const {
  abs,
  add,
  addN,
  backend,
  backend_util,
  cast,
  clipByValue,
  clone,
  concat,
  customGrad,
  dispose,
  engine,
  expandDims,
  fill,
  findBackend,
  findBackendFactory,
  gather,
  getBackend,
  getKernel,
  grad,
  grads,
  greaterEqual,
  io,
  keep,
  lessEqual,
  log,
  logSoftmax,
  logicalAnd,
  matMul,
  max,
  memory,
  mul,
  oneHot,
  ones,
  profile,
  randomNormal,
  randomUniform,
  ready,
  registerBackend,
  registerGradient,
  registerKernel,
  removeBackend,
  reshape,
  reverse,
  scalar,
  serialization,
  setBackend,
  sigmoid,
  slice,
  slice_util,
  softmax,
  split,
  square,
  squeeze,
  stack,
  sub,
  sum,
  tanh,
  tensor,
  tensor1d,
  tensor2d,
  tensor3d,
  tidy,
  topk,
  train,
  transpose,
  unregisterKernel,
  unstack,
  util,
  valueAndGrads,
  variable,
  variableGrads,
  version_core,
  where,
  zeros,
  zerosLike,
  AdamOptimizer,
  Optimizer,
  Tensor,
  Variable,
} = core;
export const {
  layers,
  sequential,
  model,
  input,
  loadLayersModel,
  metrics,
  initializers,
  version_layers,
  LayersModel,
  SymbolicTensor,
} = layersApi;

// Classes are values above and types here; namespaces used for types get their types back.
export type AdamOptimizer = Core.AdamOptimizer;
export type Optimizer = Core.Optimizer;
export type Tensor<R extends Core.Rank = Core.Rank> = Core.Tensor<R>;
export type Variable<R extends Core.Rank = Core.Rank> = Core.Variable<R>;
export type LayersModel = Layers.LayersModel;
export type SymbolicTensor = Layers.SymbolicTensor;
export declare namespace io {
  export type ModelArtifacts = Core.io.ModelArtifacts;
  export type ModelJSON = Core.io.ModelJSON;
  export type TrainingConfig = Core.io.TrainingConfig;
  export type WeightsManifestConfig = Core.io.WeightsManifestConfig;
  export type WeightsManifestEntry = Core.io.WeightsManifestEntry;
  export type CompositeArrayBuffer = Core.io.CompositeArrayBuffer;
}
export declare namespace serialization {
  export type ConfigDict = Core.serialization.ConfigDict;
  export type Serializable = Core.serialization.Serializable;
  export type SerializableConstructor<T extends Core.serialization.Serializable> =
    Core.serialization.SerializableConstructor<T>;
  export type SerializationMap = Core.serialization.SerializationMap;
}
