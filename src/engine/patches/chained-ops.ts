/**
 * The chained tensor methods (`t.flatten()`, `t.mul(b)`): tfjs-layers calls them, and only the
 * `@tensorflow/tfjs` bundle registers them, which this tool does not load (tf.ts says why). Each is
 * the op of the same name with the tensor first, as tfjs-core's `public/chained_ops` defines them;
 * the few that differ are written out.
 */
import type * as Core from '@tensorflow/tfjs-core';
import { patchRan } from './usage.ts';

const SAME_AS_OP =
  `abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool batchNorm batchToSpaceND
  broadcastTo cast ceil clipByValue conv1d conv2d conv2dTranspose cos cosh cumprod cumsum depthToSpace depthwiseConv2d dilation2d
  div divNoNan dot elu equal erf euclideanNorm exp expandDims expm1 fft floor floorDiv gather greater greaterEqual ifft irfft
  isFinite isInf isNaN leakyRelu less lessEqual localResponseNormalization log log1p logSigmoid logSoftmax logSumExp logicalAnd
  logicalNot logicalOr logicalXor matMul max maxPool maximum mean min minimum mirrorPad mod mul neg norm notEqual oneHot onesLike
  pad pool pow prelu prod reciprocal relu relu6 reshape resizeBilinear resizeNearestNeighbor reverse rfft round rsqrt selu sigmoid
  sign sin sinh slice softmax softplus spaceToBatchND split sqrt square squaredDifference squeeze step stridedSlice sub sum tan
  tanh tile topk transpose unique unstack zerosLike`.split(/\s+/);

type Method = (this: Core.Tensor, ...args: never[]) => unknown;
type Op = (...args: unknown[]) => Core.Tensor;

export function registerChainedOps(core: typeof Core): void {
  const proto = core.Tensor.prototype as unknown as Record<string, Method>;
  const ops = core as unknown as Record<string, Op>;
  const define = (name: string, body: (t: Core.Tensor, ...args: never[]) => unknown) => {
    if (typeof proto[name] === 'function') return;
    proto[name] = function (this: Core.Tensor, ...args: never[]) {
      if (this.isDisposed) throw new Error('Tensor is disposed.');
      patchRan('chained-ops');
      return body(this, ...args);
    };
  };
  for (const name of SAME_AS_OP)
    if (typeof ops[name] === 'function') define(name, (t, ...args) => ops[name](t, ...args));
  const reshape = (t: Core.Tensor, shape: number[]) => core.reshape(t, shape);
  define('flatten', (t) => reshape(t, [t.size]));
  define('as1D', (t) => reshape(t, [t.size]));
  define('as2D', (t, r: number, c: number) => reshape(t, [r, c]));
  define('as3D', (t, r: number, c: number, d: number) => reshape(t, [r, c, d]));
  define('as4D', (t, r: number, c: number, d: number, d2: number) => reshape(t, [r, c, d, d2]));
  define('as5D', (t, r: number, c: number, d: number, d2: number, d3: number) => reshape(t, [r, c, d, d2, d3]));
  define('asScalar', (t) => {
    if (t.size !== 1) throw new Error('The array must have only 1 element.');
    return reshape(t, []);
  });
  define('reshapeAs', (t, x: Core.Tensor) => reshape(t, x.shape));
  define('asType', (t, dtype: Core.DataType) => core.cast(t, dtype));
  define('toBool', (t) => core.cast(t, 'bool'));
  define('toFloat', (t) => core.cast(t, 'float32'));
  define('toInt', (t) => core.cast(t, 'int32'));
  define('where', (t, condition: Core.Tensor, x: Core.Tensor) => core.where(condition, t, x));
  define('concat', (t, x: Core.Tensor | Core.Tensor[], axis?: number) =>
    core.concat([t, ...(x instanceof core.Tensor ? [x] : x)], axis),
  );
  define('stack', (t, x: Core.Tensor | Core.Tensor[], axis?: number) =>
    core.stack([t, ...(x instanceof core.Tensor ? [x] : x)], axis),
  );
}
