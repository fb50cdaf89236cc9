// Raw stored values to physical values (astropy _scale_data): float64, multiply then add, BLANK -> NaN for integers.

import type { RawArray } from './endian.ts';

export interface Scaling {
  bscale: number;
  bzero: number;
  /** Integer null value (BLANK, or ZBLANK for compressed images); ignored for float data. */
  blank?: number | bigint;
}

const TWO_63 = 9223372036854775808;

/** Physical values as float64, C order. Pure: `raw` is not modified. */
export function applyScaling(raw: RawArray, scaling: Scaling): Float64Array {
  return scaleInto(raw, scaling, new Float64Array(raw.length));
}

/**
 * applyScaling into `out`. `raw` may share memory with `out` if it ends where `out` ends (the reader widens in place
 * that way, saving a second large buffer): every loop runs forwards and reads raw[i] before writing out[i].
 */
export function scaleInto(raw: RawArray, scaling: Scaling, out: Float64Array): Float64Array {
  const { bscale, bzero } = scaling;
  const n = raw.length;
  const identity = bscale === 1 && bzero === 0;
  if (raw instanceof BigInt64Array) {
    const blank = scaling.blank === undefined ? undefined : BigInt(scaling.blank);
    if (bscale === 1 && bzero === TWO_63) {
      // Unsigned 64-bit convention: raw + 2^63 exactly in integers, then one rounding to float64.
      const offset = 1n << 63n;
      for (let i = 0; i < n; i++) {
        const v = raw[i];
        out[i] = v === blank ? NaN : Number(v + offset);
      }
      return out;
    }
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      out[i] = v === blank ? NaN : identity ? Number(v) : Number(v) * bscale + bzero;
    }
    return out;
  }
  const isFloat = raw instanceof Float32Array || raw instanceof Float64Array;
  const blank = isFloat || scaling.blank === undefined ? undefined : Number(scaling.blank);
  if (blank === undefined || !Number.isFinite(blank)) {
    if (identity) {
      // TypedArray.set converts in native code (copying first when raw aliases out): ~4x a JS loop over RawArray.
      out.set(raw);
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = raw[i] * bscale + bzero;
    return out;
  }
  if (identity) {
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      out[i] = v === blank ? NaN : v;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    out[i] = v === blank ? NaN : v * bscale + bzero;
  }
  return out;
}

/** BSCALE/BZERO/BLANK from a header; BSCALE defaults to 1 and BZERO to 0. */
export function scalingFromHeader(get: (key: string) => unknown, blankOverride?: number | bigint): Scaling {
  const num = (v: unknown, fallback: number): number =>
    typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : fallback;
  const bscale = num(get('BSCALE'), 1);
  const bzero = num(get('BZERO'), 0);
  const rawBlank = blankOverride ?? get('BLANK');
  const blank = typeof rawBlank === 'number' || typeof rawBlank === 'bigint' ? rawBlank : undefined;
  return blank === undefined ? { bscale, bzero } : { bscale, bzero, blank };
}

