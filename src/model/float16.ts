/**
 * IEEE 754 half-precision floats: how `float16` weights are stored (tfjs' weightsManifest quantization
 * `{ dtype: 'float16' }`, which tfjs decodes itself) and how a table kept outside tfjs is read back.
 * Rounding is to nearest, ties to even, as numpy's astype(float16) and the tfjs converter round.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The half-precision bits nearest `v` (±Infinity past 65504, NaN kept). */
export function toHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A subnormal half (or zero): the mantissa with its implicit bit, shifted down.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const tie = 1 << (shift - 1);
    return sign | (half + (rest > tie || (rest === tie && (half & 1) === 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa steps the exponent, as it should (up to Infinity).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? 1 : 0));
}

let table: Float32Array | null = null;

/** Every half's value, made once (256 KB). */
function halves(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    table[h] =
      e === 0
        ? sign * m * 2 ** -24
        : e === 31
          ? m !== 0
            ? Number.NaN
            : sign * Infinity
          : sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  return table;
}

export function toHalves(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i]);
  return out;
}

export function fromHalves(bits: Uint16Array): Float32Array {
  const t = halves();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]];
  return out;
}

/** Whether every half is finite (exponent bits not all ones). */
export function halvesFinite(bits: Uint16Array): boolean {
  let i = 0;
  // Two halves a read where they start on a 4-byte boundary (a weight file's specs mostly do): adding
  // 1 to a lane's exponent carries into its top bit only when the exponent is all ones. Half the time.
  if (bits.byteOffset % 4 === 0) {
    const pairs = new Uint32Array(bits.buffer, bits.byteOffset, bits.length >>> 1);
    for (let j = 0; j < pairs.length; j++)
      if ((((pairs[j] & 0x7c007c00) + 0x04000400) & 0x80008000) !== 0) return false;
    i = 2 * pairs.length;
  }
  for (; i < bits.length; i++) if ((bits[i] & 0x7c00) === 0x7c00) return false;
  return true;
}
