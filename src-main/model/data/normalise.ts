// Brightness normalisation on the valid pixels only.
// 'asinh' (default): subtract the sky level (sigma-clipped median), divide by the distance from it
//   to the upper clip percentile, clip below at the lower percentile, then x -> asinh(x/b)/asinh(1/b)
//   (Lupton et al. 1999). The sky maps to 0 whatever the noise level, so samples observed at
//   different depths look alike and masked padding (0) reads as empty sky; faint outer rings stay
//   visible beside a bright centre. Values run from slightly negative (noise) to 1.
// 'minmax': [min, max] -> [0, 1], as astromorph did (one hot pixel compresses everything else).
import { toPolar } from './polar.ts';
import type { ImageSample } from './sample.ts';

/** Softening b of the asinh stretch, as a fraction of the clipped range: linear below, logarithmic above. */
export const ASINH_SOFTENING = 0.05;

export interface Stretch { lo: number; hi: number; zero: number; kind: 'asinh' | 'minmax' }

function sortedValid(values: Float32Array, valid: (i: number) => boolean): Float32Array {
  let n = 0;
  const picked = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) if (valid(i)) picked[n++] = values[i]!;
  return picked.subarray(0, n).sort();
}

function percentileOfSorted(sorted: Float32Array, p: number): number {
  const n = sorted.length;
  const x = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(x), hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (x - lo);
}

/** Median after iterative 3-sigma clipping (sigma from the MAD): the sky level under a bright source. */
export function skyLevel(sorted: Float32Array): number {
  let a = 0, b = sorted.length; // current window [a, b) of the sorted values
  let median = 0;
  for (let iter = 0; iter < 5 && b > a; iter++) {
    const win = sorted.subarray(a, b);
    median = percentileOfSorted(win, 50);
    const sigma = 1.4826 * medianDeviation(win, median);
    if (!(sigma > 0)) break;
    const na = lowerBound(sorted, median - 3 * sigma), nb = lowerBound(sorted, median + 3 * sigma + Number.EPSILON * Math.abs(median));
    if (na === a && nb === b) break;
    a = na; b = Math.max(nb, na + 1);
  }
  return median;
}

/**
 * Median of |v - m| over sorted values, as percentileOfSorted would give it on the sorted float32
 * deviations, without sorting them: the deviations below and above m are each already in order,
 * so merging them outwards from m reaches the middle one in n/2 steps (sorting took 30+ ms per
 * 256x256 image and dominated preprocessing).
 */
function medianDeviation(sorted: Float32Array, m: number): number {
  const n = sorted.length;
  const x = 0.5 * (n - 1), k = Math.floor(x), f = x - k;
  let left = lowerBound(sorted, m) - 1, right = left + 1;
  let lo = 0, hi = 0;
  for (let i = 0; i <= Math.min(k + 1, n - 1); i++) {
    const dl = left >= 0 ? m - sorted[left]! : Infinity, dr = right < n ? sorted[right]! - m : Infinity;
    const d = Math.fround(Math.abs(dl <= dr ? dl : dr));
    if (dl <= dr) left--; else right++;
    if (i === k) lo = d;
    if (i === k + 1) hi = d;
  }
  return k + 1 <= n - 1 ? lo + (hi - lo) * f : lo;
}

function lowerBound(sorted: Float32Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! < x) lo = mid + 1; else hi = mid; }
  return lo;
}

export function fitStretch(values: Float32Array, valid: (i: number) => boolean, kind: 'asinh' | 'minmax', clip: [number, number]): Stretch {
  const sorted = sortedValid(values, valid);
  if (sorted.length === 0) return { lo: 0, hi: 0, zero: 0, kind };
  if (kind === 'minmax') return { lo: sorted[0]!, hi: sorted[sorted.length - 1]!, zero: sorted[0]!, kind };
  const lo = percentileOfSorted(sorted, clip[0]), hi = percentileOfSorted(sorted, clip[1]);
  const zero = Math.min(Math.max(skyLevel(sorted), lo), hi);
  return { lo, hi, zero, kind };
}

/** 'minmax' -> [0, 1]; 'asinh' -> sky 0, upper clip 1, lower clip slightly negative. A flat image maps to 0. */
export function applyStretch(v: number, s: Stretch): number {
  const x = linearise(Math.min(s.hi, Math.max(s.lo, v)), s);
  if (s.kind === 'minmax') return x;
  return Math.asinh(x / ASINH_SOFTENING) / Math.asinh(1 / ASINH_SOFTENING);
}

/**
 * The affine part of the stretch alone: the zero point (sky, or the minimum for min-max) to 0 and
 * the upper clip to 1, nothing clipped. applyStretch is this on the clipped value (then asinh); a
 * stretch fitted again to these values gives the same output as the stretch fitted to the originals.
 */
export function linearise(v: number, s: Stretch): number {
  return s.hi > s.zero ? (v - s.zero) / (s.hi - s.zero) : 0;
}

/**
 * Finishes a sample whose stretch was left pending (a training view after its augmentations): fits
 * the stretch to this view's own valid pixels, as preprocessing does for an observation, so a view
 * with added noise looks like a shallower observation, not like a deep one with a little noise on top.
 */
export function finishStretch(sample: ImageSample): ImageSample {
  const pending = sample.pendingStretch;
  if (pending === undefined) return sample;
  const { data: linear, mask, channels: C } = sample;
  const P = mask.length;
  // Moment maps: only moment 0 is a brightness; spectral bins share one stretch (keeps the line profile).
  const stretched = sample.channelKind === 'moments' ? 1 : C;
  if (sample.channelKind === 'bands') {
    // Bands: each its own stretch, as preprocessing gives them (their units and brightness differ).
    const data = new Float32Array(linear.length);
    const plane = new Float32Array(P);
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < P; i++) plane[i] = linear[i * C + c]!;
      const stretch = fitStretch(plane, (i) => mask[i] === 1, pending.normalisation, pending.clipPercentiles);
      for (let i = 0; i < P; i++) if (mask[i]) data[i * C + c] = applyStretch(plane[i]!, stretch);
    }
    const { pendingStretch: _done, ...rest } = sample;
    return pending.coordinates === 'polar' ? toPolar({ ...rest, data }, true) : { ...rest, data };
  }
  const values = new Float32Array(P * stretched);
  for (let i = 0; i < P; i++) for (let c = 0; c < stretched; c++) values[c * P + i] = linear[i * C + c]!;
  const stretch = fitStretch(values, (i) => mask[i % P] === 1, pending.normalisation, pending.clipPercentiles);
  const data = new Float32Array(linear.length);
  for (let i = 0; i < P; i++) {
    if (!mask[i]) continue;
    for (let c = 0; c < C; c++) data[i * C + c] = c < stretched ? applyStretch(linear[i * C + c]!, stretch) : linear[i * C + c]!;
  }
  const { pendingStretch: _done, ...rest } = sample;
  return pending.coordinates === 'polar' ? toPolar({ ...rest, data }, true) : { ...rest, data };
}
