/**
 * The native fused-LSTM addon (native/fused-lstm: C++ over OpenBLAS), loaded when the `blas` engine
 * is asked for or `auto` looks for it. Its kernels are registered by the LSTM (src/model/lstm/).
 */
import { createRequire } from 'node:module';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from './kernel-registry.ts';

export const ADDON_PACKAGE = 'sentiment-fused-lstm';
export const ADDON_HINT = `to build it: apt-get install g++ make libopenblas-dev, then npm rebuild ${ADDON_PACKAGE}`;

type Floats = Float32Array;

interface AddonShape {
  batch: number;
  steps: number;
  features: number;
  units: number;
  hardSigmoid: boolean;
}

interface AddonCommon extends AddonShape {
  w: Floats;
  u: Floats;
  mx: Floats;
  mh: Floats;
  xm: Floats;
  act: Floats;
  c: Floats;
  tc: Floats;
  hm: Floats;
}

/** One Adam step's constants and a variable's value, moments and gradient. */
export interface AdamStepArgs {
  beta1: number;
  beta2: number;
  /** 1 − β in double precision (tfjs computes it in JavaScript). */
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  epsilon: number;
  learningRate: number;
  correction1: number;
  correction2: number;
  value: Floats;
  m: Floats;
  v: Floats;
  g: Floats;
}

/**
 * The addon's functions. Its index.cjs refuses a binary built from other sources (a digest of them is
 * compiled in), so every function here is there with these arguments.
 */
/** One pass over a prefix forest: see FusedLstmAddon.forwardTree. */
export interface ForestPass {
  nodes: number;
  depth: number;
  features: number;
  units: number;
  hardSigmoid: boolean;
  rows: number;
  /** Float32, or float16 bits (IEEE half precision), widened exactly as they are read. */
  table: Floats | Uint16Array;
  tokens: Int32Array;
  parent: Int32Array;
  levels: Int32Array;
  w: Floats;
  u: Floats;
  b: Floats;
  h: Floats;
}

export interface FusedLstmAddon {
  /** The digest of the sources the binary was built from (native/fused-lstm/sources-digest.cjs). */
  sources: string;
  /** With `sequences`, hSeq [batch, steps, units] receives every step's h too. */
  forward(args: AddonCommon & { x: Floats; b: Floats; h: Floats; sequences?: boolean; hSeq?: Floats }): void;
  /**
   * Inference over a prefix forest (src/model/lstm/prefix-forest.ts): node i reads row tokens[i] of
   * table [rows, features] (zeros for a token outside it); h [nodes, units] receives each node's output.
   */
  forwardTree(args: ForestPass): void;
  /**
   * Two forests at once (a bidirectional layer's directions), one per core: each as forwardTree, their
   * outputs apart. Sequential when OpenBLAS has one thread.
   */
  forwardTreePair(args: { first: ForestPass; second: ForestPass }): void;
  /** Lets go of the forest passes' working memory, kept from one pass to the next while it is small. */
  releaseTreeMemory(): void;
  /** With `sequences`, dy is [batch, steps, units]: every step's output gradient. */
  backward(
    args: AddonCommon & {
      dy: Floats;
      dx: Floats;
      dw: Floats;
      du: Floats;
      db: Floats;
      scratch: Floats;
      sequences?: boolean;
    },
  ): void;
  /** Adam's step for one variable (n values), float32 as tfjs computes it. */
  adam(args: AdamStepArgs & { n: number; valueOut: Floats; mOut: Floats; vOut: Floats }): void;
  /**
   * Adam's step in place for a [rows, width] variable, skipping the rows whose byte in `touched` is 0
   * and whose gradient is all zero (it marks the others): the same bits as `adam` where m and v are 0
   * in every untouched row.
   */
  adamRows(args: AdamStepArgs & { rows: number; width: number; touched: Uint8Array }): void;
  /**
   * c [m, n] = a [m, k] (or [k, m] with transposeA) times b [k, n] (or [n, k] with transposeB), each
   * output summed in the order of k with every step rounded to float32, as tfjs' wasm BatchMatMul does.
   */
  matmul(args: {
    m: number;
    k: number;
    n: number;
    a: Floats;
    b: Floats;
    c: Floats;
    transposeA?: boolean;
    transposeB?: boolean;
  }): void;
  /** out [segments, inner] = the rows of x [n, inner] summed by ids, as tfjs' UnsortedSegmentSum. */
  segmentSum(args: { n: number; inner: number; segments: number; x: Floats; ids: Int32Array; out: Floats }): void;
  /** out [outer, inner] = the largest of x [outer, mid, inner] along mid (max over time), as tfjs' wasm Max. */
  maxAlong(args: { outer: number; mid: number; inner: number; x: Floats; out: Floats }): void;
  /** out [outer, mid, inner] = 1 where full equals small [outer, inner], else 0: max over time's gradient. */
  equalAlong(args: { outer: number; mid: number; inner: number; full: Floats; small: Floats; out: Uint8Array }): void;
  /**
   * For each row's path up a prefix forest (ends[r], then its parents), the max and the mean of h
   * [nodes, units] over the path's nodes, into out [rows, 2, width] at column `offset`.
   */
  poolPaths(args: {
    nodes: number;
    units: number;
    rows: number;
    width: number;
    offset: number;
    h: Floats;
    parent: Int32Array;
    ends: Int32Array;
    out: Floats;
  }): void;
  info(): { config: string; core: string; threads: number };
}

export type AddonLoad = { ok: true; addon: FusedLstmAddon; description: string } | { ok: false; why: string };

const require = createRequire(import.meta.url);

/** Loads the addon (once: Node caches it), or says why it cannot. */
export function loadFusedLstmAddon(): AddonLoad {
  try {
    return describeAddon(require(ADDON_PACKAGE) as FusedLstmAddon);
  } catch (err) {
    return { ok: false, why: addonFailure(err) };
  }
}

export function describeAddon(addon: FusedLstmAddon): AddonLoad {
  const { config, core, threads } = addon.info();
  const pinned = process.env.OPENBLAS_CORETYPE ? ` (OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE})` : '';
  return {
    ok: true,
    addon,
    description: `${config.split(' ').slice(0, 2).join(' ')}, ${core} kernels${pinned}, ${threads} thread${threads === 1 ? '' : 's'}`,
  };
}

/** Why loading failed, in one line: not installed, or the reason its build recorded. */
export function addonFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if ((e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND') && e.message.includes(ADDON_PACKAGE))
    return `${ADDON_PACKAGE} is not installed`;
  return `${ADDON_PACKAGE} ${e.message.split('\n')[0]}`;
}

/**
 * Runs an addon call that writes into `outputs` (made on the wasm heap before any view is taken: an
 * allocation may move the heap); if it throws (a size it rejects), those outputs are freed.
 */
export function withOutputs(wasm: BackendWasm, outputs: TensorInfo[], call: () => void): void {
  try {
    call();
  } catch (err) {
    for (const t of outputs) wasm.disposeData(t.dataId);
    throw err;
  }
}
