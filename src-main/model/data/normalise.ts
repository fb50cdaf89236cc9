// Brightness normalisation on the valid pixels only. Default: clip at robust percentiles, then an
// asinh stretch, which keeps faint outer rings visible next to a bright centre without the log's
// blow-up at zero. 'minmax' maps [min, max] to [0, 1] as astromorph did (sensitive to one hot pixel).

/** Softening of the asinh stretch, as a fraction of the clipped range: linear below, logarithmic above. */
export const ASINH_SOFTENING = 0.05;

/** Percentile (0-100) of the values where mask is 1 (linear interpolation between order statistics). */
export function maskedPercentiles(values: Float32Array, valid: (i: number) => boolean, percentiles: number[]): number[] {
  let n = 0;
  const picked = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) if (valid(i)) picked[n++] = values[i]!;
  if (n === 0) return percentiles.map(() => 0);
  const sorted = picked.subarray(0, n).sort();
  return percentiles.map((p) => {
    const x = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
    const lo = Math.floor(x), hi = Math.min(n - 1, lo + 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (x - lo);
  });
}

export interface Stretch { lo: number; hi: number; kind: 'asinh' | 'minmax' }

export function fitStretch(values: Float32Array, valid: (i: number) => boolean, kind: 'asinh' | 'minmax', clip: [number, number]): Stretch {
  const [lo, hi] = maskedPercentiles(values, valid, kind === 'minmax' ? [0, 100] : clip);
  return { lo: lo!, hi: hi!, kind };
}

/** Maps a value through the stretch into [0, 1]; a flat image (hi == lo) maps to 0. */
export function applyStretch(v: number, s: Stretch): number {
  if (!(s.hi > s.lo)) return 0;
  const x = Math.min(1, Math.max(0, (v - s.lo) / (s.hi - s.lo)));
  if (s.kind === 'minmax') return x;
  return Math.asinh(x / ASINH_SOFTENING) / Math.asinh(1 / ASINH_SOFTENING);
}
