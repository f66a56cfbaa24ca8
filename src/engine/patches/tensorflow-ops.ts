/**
 * TensorFlow ops that tfjs has no kernel for, run by name on the tensorflow engine: tfjs-node's backend
 * executes any TensorFlow op (`executeMultipleOutputs`), and takes an int64 scalar as its own
 * `Int64Scalar` class. Both are details of @tensorflow/tfjs-node 4.22.0 (index.ts: CHECKED_VERSIONS);
 * guarded by test/model/lstm/block-lstm.test.ts. Used by src/model/lstm/block-lstm.ts.
 */
import { createRequire } from 'node:module';
import * as tf from '../tf.ts';
import { patchRan } from './usage.ts';

/** An op attribute: its name, TensorFlow's kind for it and the value. */
export type OpAttr =
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'bool'; value: boolean }
  | { name: string; kind: 'float32 type' };

/** An input: a tensor of this engine, or an int64 scalar (tfjs has no int64 dtype). */
export type OpInput = tf.Tensor | { int64: number };

export interface TensorflowOps {
  /** Runs TensorFlow's op `name` eagerly; its outputs are tfjs tensors of this engine. */
  run(name: string, inputs: readonly OpInput[], attrs: readonly OpAttr[], outputs: number): tf.Tensor[];
}

interface Binding {
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_TYPE: number;
  TF_FLOAT: number;
}

interface NodeBackend {
  binding: Binding;
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: unknown[], outputs: number): tf.Tensor[];
}

function isNodeBackend(backend: unknown): backend is NodeBackend {
  const b = backend as Partial<NodeBackend> | null;
  return typeof b?.executeMultipleOutputs === 'function' && typeof b.binding?.TF_ATTR_FLOAT === 'number';
}

/**
 * The running tensorflow backend's op runner, or null where there is none (another backend, or a
 * tfjs-node without these details). `pkg` is the tfjs-node package that started it.
 */
export function tensorflowOps(pkg: string): TensorflowOps | null {
  const backend = tf.backend();
  if (!isNodeBackend(backend)) return null;
  let Int64Scalar: new (value: number) => unknown;
  try {
    const load = createRequire(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
    ({ Int64Scalar } = load('./dist/int64_tensors.js') as { Int64Scalar: typeof Int64Scalar });
  } catch {
    return null;
  }
  const { binding } = backend;
  const attr = (a: OpAttr) => {
    if (a.kind === 'float32 type') return { name: a.name, type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT };
    return { name: a.name, type: a.kind === 'float' ? binding.TF_ATTR_FLOAT : binding.TF_ATTR_BOOL, value: a.value };
  };
  return {
    run: (name, inputs, attrs, outputs) => {
      patchRan('tensorflow-ops');
      return backend.executeMultipleOutputs(
        name,
        attrs.map(attr),
        inputs.map((i) => (i instanceof tf.Tensor ? i : new Int64Scalar(i.int64))),
        outputs,
      );
    },
  };
}
