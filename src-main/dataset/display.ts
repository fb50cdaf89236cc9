// Pixel values to screen colours: display limits (min/max, percentile, zscale), a stretch and a
// colormap, giving RGBA bytes. Pure and Node-free (no node: imports): the scan's thumbnails and the
// renderer's image views share it.
import { colormapLut, COLORMAPS } from './colormap.ts';
import type { Colormap } from './colormap.ts';
import { zscaleLimits } from './zscale.ts';
import type { ZscaleOptions } from './zscale.ts';

export { colormapLut, COLORMAPS, zscaleLimits };
export type { Colormap, ZscaleOptions };

export type Stretch = 'linear' | 'sqrt' | 'log' | 'asinh';
export const STRETCHES: readonly Stretch[] = ['linear', 'sqrt', 'log', 'asinh'];

export interface Limits {
  min: number;
  max: number;
}

/** Above this many finite values, percentiles are taken from a regular sample (display only needs ~0.1%). */
const PERCENTILE_SAMPLE = 1 << 20;

export function minMaxLimits(data: ArrayLike<number>): Limits {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 1 };
}

/** Limits at two percentiles of the finite values (numpy's linear interpolation); e.g. 0.5 and 99.5. */
export function percentileLimits(data: ArrayLike<number>, lowPercent = 0.5, highPercent = 99.5): Limits {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i])) n++;
  if (n === 0) return { min: 0, max: 1 };
  const stride = Math.max(1, Math.ceil(n / PERCENTILE_SAMPLE));
  const values = new Float64Array(Math.ceil(n / stride));
  for (let i = 0, k = 0, m = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) continue;
    if (k++ % stride === 0) values[m++] = data[i];
  }
  // Two selections instead of a full sort: O(n), which matters for every thumbnail of a scan.
  return { min: quantile(values, lowPercent / 100), max: quantile(values, highPercent / 100) };
}

/** Linear-interpolated quantile; partially reorders `values`. */
function quantile(values: Float64Array, q: number): number {
  const pos = Math.min(Math.max(q, 0), 1) * (values.length - 1);
  const lo = Math.floor(pos);
  const a = select(values, lo);
  if (lo + 1 >= values.length || pos === lo) return a;
  let b = Infinity; // the next order statistic: the smallest value right of lo after selection
  for (let i = lo + 1; i < values.length; i++) if (values[i] < b) b = values[i];
  return a + (b - a) * (pos - lo);
}

/** Hoare's quickselect: puts the k-th smallest at index k, smaller ones left of it, larger right. */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    // median of three as the pivot keeps sorted and constant inputs linear
    const x = a[left], y = a[mid], z = a[right];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k];
  }
  return a[k];
}

/**
 * Maps t in [0, 1] (already normalised by the limits) through a stretch, as astropy.visualization does:
 * log uses a = 1000 (log(a t + 1) / log(a + 1)), asinh uses a = 0.1 (asinh(t / a) / asinh(1 / a)).
 */
export function stretchValue(t: number, stretch: Stretch, a?: number): number {
  switch (stretch) {
    case 'linear':
      return t;
    case 'sqrt':
      return Math.sqrt(t);
    case 'log': {
      const k = a ?? 1000;
      return Math.log(k * t + 1) / Math.log(k + 1);
    }
    case 'asinh': {
      const k = a ?? 0.1;
      return Math.asinh(t / k) / Math.asinh(1 / k);
    }
    default:
      throw new RangeError(`unknown stretch ${String(stretch)}; expected one of ${STRETCHES.join(', ')}`);
  }
}

export interface RenderOptions {
  limits: Limits;
  stretch?: Stretch;
  /** The stretch's parameter (log a, asinh a); astropy's defaults when absent. */
  stretchParameter?: number;
  colormap?: Colormap;
  /** A 256 x RGB table to use instead of the colormap's (the viewer's contrast, bias and invert). */
  lut?: Uint8Array;
  /** RGBA for NaN/inf pixels; transparent by default. */
  nanColor?: [number, number, number, number];
  /** Width of the image, needed only with flipY. */
  width?: number;
  /** FITS rows run bottom-up; set to draw row 0 at the bottom of the output. */
  flipY?: boolean;
}

/** Maps values to RGBA bytes (4 per value) through limits, a stretch and a colormap. */
export function renderRgba(data: ArrayLike<number>, opts: RenderOptions, out?: Uint8ClampedArray): Uint8ClampedArray {
  const n = data.length;
  const rgba = out ?? new Uint8ClampedArray(n * 4);
  if (rgba.length < n * 4) throw new RangeError(`output holds ${rgba.length / 4} pixels, need ${n}`);
  const lut = opts.lut ?? colormapLut(opts.colormap ?? 'gray');
  const stretch = opts.stretch ?? 'linear';
  const nan = opts.nanColor ?? [0, 0, 0, 0];
  const { min, max } = opts.limits;
  const span = max > min ? max - min : 1;
  // For big images, tabulate the stretch finely once instead of evaluating it per pixel.
  const TABLE = 4096;
  const tabulate = n > TABLE;
  const table = new Uint8Array(tabulate ? TABLE + 1 : 0);
  if (tabulate) {
    for (let i = 0; i <= TABLE; i++) table[i] = toByte(stretchValue(i / TABLE, stretch, opts.stretchParameter));
  }
  const width = opts.width ?? n;
  const height = Math.ceil(n / width);
  for (let i = 0; i < n; i++) {
    const o = opts.flipY ? ((height - 1 - Math.floor(i / width)) * width + (i % width)) * 4 : i * 4;
    const v = data[i];
    if (!Number.isFinite(v)) {
      rgba[o] = nan[0]; rgba[o + 1] = nan[1]; rgba[o + 2] = nan[2]; rgba[o + 3] = nan[3];
      continue;
    }
    let t = (v - min) / span;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const c = (tabulate ? table[Math.round(t * TABLE)] : toByte(stretchValue(t, stretch, opts.stretchParameter))) * 3;
    rgba[o] = lut[c]; rgba[o + 1] = lut[c + 1]; rgba[o + 2] = lut[c + 2]; rgba[o + 3] = 255;
  }
  return rgba;
}

function toByte(s: number): number {
  return Math.min(255, Math.max(0, Math.round(s * 255)));
}
