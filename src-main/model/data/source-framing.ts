// Source framing: find the emission in the field and resample a square window around it, so the
// object fills the same fraction of every working image whatever the field of view, the pixel scale
// or the object's position in the field. These are nuisances the embedding must not follow; a
// network trained on whole fields learns them (astromorph's embeddings predicted the image size
// better than the morphology). Astronomers frame cut-outs the same way (e.g. on a Petrosian radius).
//
// The window is centred on the flux-weighted centroid of the pixels 3 sigma above the sky and its
// half-width is FRAME_RADII times the radius holding 90 % of that flux. It never grows beyond the
// field itself: extended emission that fills the field keeps the whole field, as does an image with
// nothing above 3 sigma.
import { skyLevel } from './normalise.ts';
import type { ImageSample } from './sample.ts';

/**
 * Window half-width in units of the 90 %-flux radius. Tighter windows spend the working pixels on
 * the source: on the survey benchmark's tuning seed (480 disks) kNN on raw preprocessed pixels went
 * from 39.8 % at 2 radii to 52.9 % at 1.25, the deprojected polar profile from 74.6 % to 82.1 %
 * (1.5: 81.7 %; 1.0 cut into the emission: 77.1 %).
 */
export const FRAME_RADII = 1.25;
/**
 * Frames are found on a grid up to this many times finer than the working size (no finer than the
 * image itself), then averaged down, so zooming into a window keeps the resolution the data has.
 */
export const FRAMING_OVERSAMPLE = 4;

/** Side of the grid that source framing works on, for an image of width x height and working size S. */
export function framingGrid(width: number, height: number, size: number): number {
  return Math.max(size, Math.min(FRAMING_OVERSAMPLE * size, Math.max(width, height)));
}

/** A square window on a grid: centre (pixel i spans [i, i+1)) and half-width, in grid pixels. */
export interface FrameWindow { cx: number; cy: number; half: number }

function percentile(sorted: Float32Array, p: number): number {
  const x = (p / 100) * (sorted.length - 1), lo = Math.floor(x), hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (x - lo);
}

/**
 * The source's window on a size x size grid, or undefined when the whole field should be kept.
 * field: the part of the grid the image covers (the rest is padding).
 */
export function findSourceWindow(brightness: Float32Array, valid: Uint8Array, size: number,
  field: { x0: number; y0: number; width: number; height: number }): FrameWindow | undefined {
  let n = 0;
  const picked = new Float32Array(brightness.length);
  for (let i = 0; i < brightness.length; i++) if (valid[i]) picked[n++] = brightness[i]!;
  if (n < 16) return undefined;
  const sorted = picked.subarray(0, n).sort();
  // Noise from the values below the sky, which the source does not reach: sky - sigma is their
  // 31.73rd percentile for Gaussian noise, however much of the field the source covers.
  const sky = skyLevel(sorted);
  let below = 0;
  while (below < n && sorted[below]! < sky) below++;
  if (below < 8) return undefined;
  const sigma = sky - percentile(sorted.subarray(0, below), 31.73);
  if (!(sigma > 0)) return undefined;
  const threshold = sky + 3 * sigma;
  let sw = 0, sx = 0, sy = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x, v = brightness[i]!;
      if (!valid[i] || !(v > threshold)) continue;
      const w = v - sky;
      sw += w; sx += w * (x + 0.5); sy += w * (y + 0.5);
    }
  }
  if (!(sw > 0)) return undefined;
  const cx = sx / sw, cy = sy / sw;
  // The 90 %-flux radius from a histogram of distances in tenths of a pixel (sorting every pixel was slow).
  const BIN = 0.1, bins = new Float64Array(Math.ceil((Math.SQRT2 * size) / BIN) + 2);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x, v = brightness[i]!;
      if (!valid[i] || !(v > threshold)) continue;
      bins[Math.floor(Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / BIN)]! += v - sky;
    }
  }
  let acc = 0, r90 = 0;
  for (let b = 0; b < bins.length; b++) { acc += bins[b]!; if (acc >= 0.9 * sw) { r90 = (b + 1) * BIN; break; } }
  const fieldHalf = Math.max(field.width, field.height) / 2;
  const half = Math.max(FRAME_RADII * Math.max(r90, 1), size / 32);
  if (half >= fieldHalf) return undefined;
  return { cx, cy, half };
}

interface Taps { start: number; weights: Float64Array }

/** Taps of m output pixels spanning [start, start + m*step) of an n-pixel axis; pixels beyond the axis carry no weight. */
function windowTaps(n: number, start: number, step: number, m: number): Taps[] {
  const taps: Taps[] = [];
  for (let i = 0; i < m; i++) {
    if (step >= 1) {
      // Area average over the output pixel's footprint.
      const a = start + i * step, b = a + step;
      const j0 = Math.max(0, Math.floor(a)), j1 = Math.min(n, Math.ceil(b));
      const w = new Float64Array(Math.max(0, j1 - j0));
      for (let j = j0; j < j1; j++) w[j - j0] = Math.max(0, Math.min(b, j + 1) - Math.max(a, j)) / step;
      taps.push({ start: j0, weights: w });
    } else {
      // Bilinear at the output pixel's centre.
      const c = start + (i + 0.5) * step - 0.5;
      const j0 = Math.floor(c), f = c - j0;
      const w = Float64Array.of(j0 >= 0 && j0 < n ? 1 - f : 0, j0 + 1 >= 0 && j0 + 1 < n ? f : 0);
      taps.push({ start: j0, weights: w });
    }
  }
  return taps;
}

/**
 * Resamples the window of each size x size plane onto an out x out grid. Output pixels with less
 * than half their weight on valid input pixels are invalid (beyond the field, or blank).
 */
export function resampleWindow(planes: Float32Array[], valid: Uint8Array, size: number, win: FrameWindow, out: number):
  { planes: Float32Array[]; valid: Uint8Array } {
  const step = (2 * win.half) / out;
  const xt = windowTaps(size, win.cx - win.half, step, out), yt = windowTaps(size, win.cy - win.half, step, out);
  const outValid = new Uint8Array(out * out);
  const outPlanes = planes.map(() => new Float32Array(out * out));
  const acc = new Float64Array(planes.length);
  for (let v = 0; v < out; v++) {
    const ty = yt[v]!;
    for (let u = 0; u < out; u++) {
      const tx = xt[u]!;
      acc.fill(0);
      let wsum = 0;
      for (let b = 0; b < ty.weights.length; b++) {
        const y = ty.start + b, wy = ty.weights[b]!;
        if (wy === 0 || y < 0 || y >= size) continue;
        for (let a = 0; a < tx.weights.length; a++) {
          const x = tx.start + a, w = wy * tx.weights[a]!;
          if (w === 0 || x < 0 || x >= size || !valid[y * size + x]) continue;
          wsum += w;
          for (let c = 0; c < planes.length; c++) acc[c]! += w * planes[c]![y * size + x]!;
        }
      }
      if (wsum < 0.5) continue;
      const o = v * out + u;
      outValid[o] = 1;
      for (let c = 0; c < planes.length; c++) outPlanes[c]![o] = acc[c]! / wsum;
    }
  }
  return { planes: outPlanes, valid: outValid };
}

/**
 * Frames the source of reduced planes on a size x size grid and returns them at out x out: the
 * brightness is the sum of the spectral channels, or moment 0. Without a source, the whole grid.
 */
export function frameSource(planes: Float32Array[], valid: Uint8Array, size: number,
  field: { x0: number; y0: number; width: number; height: number }, out: number, channelKind: 'spectral' | 'moments'):
  { planes: Float32Array[]; valid: Uint8Array } {
  let brightness = planes[0]!;
  if (channelKind === 'spectral' && planes.length > 1) {
    brightness = new Float32Array(size * size);
    for (const p of planes) for (let i = 0; i < p.length; i++) brightness[i]! += p[i]!;
  }
  const win = findSourceWindow(brightness, valid, size, field) ?? { cx: size / 2, cy: size / 2, half: size / 2 };
  return resampleWindow(planes, valid, size, win, out);
}

/**
 * The source window of a square working sample, found on the plane frameSource frames on (moment 0
 * for moment maps, else the sum of the channels), the whole sample being the field: what framing
 * would find on the view as it is now (the noise augmentation's reframe). Undefined: the whole sample.
 */
export function sampleWindow(s: ImageSample): FrameWindow | undefined {
  const N = s.width * s.height, C = s.channels, used = s.channelKind === 'moments' ? 1 : C;
  const brightness = new Float32Array(N);
  for (let i = 0; i < N; i++) for (let c = 0; c < used; c++) brightness[i]! += s.data[i * C + c]!;
  return findSourceWindow(brightness, s.mask, s.width, { x0: 0, y0: 0, width: s.width, height: s.height });
}
