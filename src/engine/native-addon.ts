/**
 * The native fused-LSTM addon (native/fused-lstm: C++ over OpenBLAS), loaded when the `blas` engine
 * is asked for or `auto` looks for it. Its kernels are registered by the LSTM (src/model/lstm/).
 */
import { createRequire } from 'node:module';

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

export interface FusedLstmAddon {
  forward(args: AddonCommon & { x: Floats; b: Floats; h: Floats }): void;
  backward(args: AddonCommon & { dy: Floats; dx: Floats; dw: Floats; du: Floats; db: Floats; scratch: Floats }): void;
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
  return { ok: true, addon, description: `${config.split(' ').slice(0, 2).join(' ')}, ${core} kernels${pinned}, ${threads} thread${threads === 1 ? '' : 's'}` };
}

/** Why loading failed, in one line: not installed, or the reason its build recorded. */
export function addonFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if ((e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND') && e.message.includes(ADDON_PACKAGE)) return `${ADDON_PACKAGE} is not installed`;
  return `${ADDON_PACKAGE} ${e.message.split('\n')[0]}`;
}
