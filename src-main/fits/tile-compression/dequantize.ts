// Quantised floating-point tiles back to floats, bit-exact with CFITSIO (unquantize_i*r4/r8, fffi4r4/r8).
// Arithmetic is float64, as in CFITSIO; the caller's Float32Array store does the final rounding for ZBITPIX = -32.

export type Quantization = 'none' | 'no-dither' | 'subtractive-dither-1' | 'subtractive-dither-2';

const N_RANDOM = 10000;
/** SUBTRACTIVE_DITHER_2 writes exact zeros as this quantised value */
const ZERO_VALUE = -2147483646;

let randoms: Float32Array | undefined;

/** CFITSIO's fits_init_randoms: 10000 values of the Park–Miller generator (a = 16807, m = 2^31 - 1, seed 1),
 * each rounded to float32. */
export function ditherRandoms(): Float32Array {
  if (randoms) return randoms;
  const a = 16807.0;
  const m = 2147483647.0;
  let seed = 1;
  const table = new Float32Array(N_RANDOM);
  for (let i = 0; i < N_RANDOM; i++) {
    const temp = a * seed;
    seed = temp - m * Math.trunc(temp / m);
    table[i] = seed / m;
  }
  // CFITSIO's own self-check of the sequence
  if (seed !== 1043618065) throw new Error(`dither random sequence is wrong: seed ${seed}`);
  randoms = table;
  return table;
}

export interface TileScaling {
  quantization: Quantization;
  scale: number;
  zero: number;
  /** quantised value that marks a null pixel (already narrowed to the sample width), or undefined */
  nullValue: number | undefined;
  /** 1-based dither row: tile number + ZDITHER0 - 1 */
  ditherRow: number;
  /** whether ZERO_VALUE applies (4-byte samples only, as in CFITSIO) */
  zeroValueApplies: boolean;
}

/** Write n dequantised pixels from q into out starting at out[0]. Null pixels become NaN. */
export function dequantize(q: Int32Array, n: number, s: TileScaling, out: Float32Array | Float64Array): void {
  const { scale, zero } = s;
  const hasNull = s.nullValue !== undefined;
  const nullValue = s.nullValue ?? 0;
  if (s.quantization === 'no-dither' || s.quantization === 'none') {
    for (let i = 0; i < n; i++) {
      const v = q[i];
      out[i] = hasNull && v === nullValue ? NaN : v * scale + zero;
    }
    return;
  }
  const rand = ditherRandoms();
  let iseed = (((s.ditherRow - 1) % N_RANDOM) + N_RANDOM) % N_RANDOM;
  // float32 product, as C's float * int
  let next = Math.trunc(Math.fround(rand[iseed] * 500));
  const keepZeros = s.quantization === 'subtractive-dither-2' && s.zeroValueApplies;
  let i = 0;
  while (i < n) {
    // run to the end of the tile or of the random table, whichever comes first
    const end = Math.min(n, i + (N_RANDOM - next));
    if (!hasNull && !keepZeros) {
      for (; i < end; i++, next++) out[i] = (q[i] - rand[next] + 0.5) * scale + zero;
    } else if (!hasNull) {
      for (; i < end; i++, next++) {
        const v = q[i];
        out[i] = v === ZERO_VALUE ? 0.0 : (v - rand[next] + 0.5) * scale + zero;
      }
    } else {
      for (; i < end; i++, next++) {
        const v = q[i];
        if (hasNull && v === nullValue) out[i] = NaN;
        else if (keepZeros && v === ZERO_VALUE) out[i] = 0.0;
        else out[i] = (v - rand[next] + 0.5) * scale + zero;
      }
    }
    if (next === N_RANDOM) {
      iseed++;
      if (iseed === N_RANDOM) iseed = 0;
      next = Math.trunc(Math.fround(rand[iseed] * 500));
    }
  }
}
