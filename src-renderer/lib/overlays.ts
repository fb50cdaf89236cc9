// The viewer's overlays that need arithmetic: contour levels (chosen values or multiples of the sky
// noise), contour lines (d3-contour's marching squares), and a WCS grid (lines of constant longitude
// and latitude, as contours of the sky coordinates sampled over the image). Pure, so tested in Node.
import { contours } from 'd3';
import type { CelestialWcs } from '../../src-main/api/contract/index.ts';
import { formatDec, formatRa, pixelToSky } from './sky.ts';

/** A polyline in plane units: x across, y up from the bottom row, pixel i spanning [i, i + 1]. */
export type Polyline = [number, number][];

/** Sky level and noise: median and 1.4826 x MAD after three passes of 3σ clipping (sources left out). */
export function skyNoise(pixels: ArrayLike<number>, maxSamples = 200_000): { median: number; sigma: number } {
  const stride = Math.max(1, Math.floor(pixels.length / maxSamples));
  let values: number[] = [];
  for (let i = 0; i < pixels.length; i += stride) if (Number.isFinite(pixels[i])) values.push(pixels[i]);
  if (values.length === 0) return { median: 0, sigma: 0 };
  let median = 0;
  let sigma = 0;
  for (let pass = 0; pass < 3; pass++) {
    median = medianOf(values);
    sigma = 1.4826 * medianOf(values.map((v) => Math.abs(v - median)));
    if (!(sigma > 0)) break;
    const kept = values.filter((v) => Math.abs(v - median) <= 3 * sigma);
    if (kept.length === values.length || kept.length < 8) break;
    values = kept;
  }
  return { median, sigma };
}

function medianOf(values: number[]): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export type ContourMode = 'sigma' | 'value';

/**
 * Contour levels from what was typed: '3 5 10 20' as multiples of the sky noise above the sky level
 * ('sigma'), or as values in the image's unit ('value'). A sentence when the text has no usable level.
 */
export function contourLevels(text: string, mode: ContourMode, noise: { median: number; sigma: number }): number[] | string {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) return 'type at least one contour level';
  const numbers = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isFinite(numbers[i]));
  if (bad !== undefined) return `the contour level "${bad}" is not a number`;
  if (parts.length > 32) return 'at most 32 contour levels';
  if (mode === 'sigma') {
    if (!(noise.sigma > 0)) return 'the sky noise of this image is zero, so σ levels are undefined; give values instead';
    return numbers.map((n) => noise.median + n * noise.sigma);
  }
  return numbers;
}

/** Whether a point lies on the border of a w x h grid (where d3-contour closes its rings). */
function onBorder(p: [number, number], w: number, h: number): 'l' | 'r' | 'b' | 't' | null {
  if (p[0] <= 0) return 'l';
  if (p[0] >= w) return 'r';
  if (p[1] <= 0) return 'b';
  if (p[1] >= h) return 't';
  return null;
}

/**
 * Splits closed rings into the open lines inside the grid: d3-contour closes a ring along the grid's
 * border, so every segment touching the border is dropped (lines stop half a sample short of the edge).
 */
function openLines(ring: [number, number][], w: number, h: number): Polyline[] {
  const lines: Polyline[] = [];
  let current: Polyline = [];
  for (let i = 1; i < ring.length; i++) {
    const a = ring[i - 1];
    const b = ring[i];
    if (onBorder(a, w, h) !== null || onBorder(b, w, h) !== null) {
      if (current.length > 1) lines.push(current);
      current = [];
      continue;
    }
    if (current.length === 0) current.push(a);
    current.push(b);
  }
  if (current.length > 1) lines.push(current);
  // The ring's start and end are the same point: join the first and last lines when both touch it.
  if (lines.length > 1 && current.length > 1 && lines[0][0] === ring[0]) {
    const last = lines.pop()!;
    lines[0] = [...last, ...lines[0].slice(1)];
  }
  return lines;
}

/**
 * Contour lines of a width x height plane (FITS order, row 0 at the bottom) at each level. A plane
 * larger than `maxSide` is block-averaged first (contours need no more detail than the screen shows,
 * and marching squares over 4 M pixels per level would stall the page); lines come back in the
 * plane's units either way.
 */
export function isolines(values: ArrayLike<number>, width: number, height: number, levels: readonly number[], maxSide = 768): { level: number; lines: Polyline[] }[] {
  const step = Math.max(1, Math.ceil(Math.max(width, height) / maxSide));
  if (step > 1) {
    const w = Math.ceil(width / step), h = Math.ceil(height / step);
    const sum = new Float64Array(w * h), count = new Uint32Array(w * h);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = values[y * width + x];
        if (!Number.isFinite(v)) continue;
        const o = Math.floor(y / step) * w + Math.floor(x / step);
        sum[o] += v;
        count[o]++;
      }
    }
    const reduced = Float64Array.from(sum, (s, i) => (count[i] ? s / count[i] : Number.NaN));
    return isolines(reduced, w, h, levels, maxSide).map(({ level, lines }) => ({ level, lines: lines.map((l) => l.map(([x, y]) => [x * step, y * step] as [number, number])) }));
  }
  let low = Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] < low) low = values[i];
  // Blank pixels count as below every level, so contours close around them.
  const below = Number.isFinite(low) ? low - 1 : 0;
  const clean = Float64Array.from({ length: width * height }, (_, i) => (Number.isFinite(values[i]) ? values[i] : below));
  const generator = contours().size([width, height]).smooth(true);
  return levels.map((level) => {
    const shape = generator.contour(Array.from(clean), level);
    const lines: Polyline[] = [];
    for (const polygon of shape.coordinates) for (const ring of polygon) lines.push(...openLines(ring as [number, number][], width, height));
    return { level, lines };
  });
}

export interface GridLine {
  axis: 'lon' | 'lat';
  value: number;
  label: string;
  /** In full-resolution 0-based pixel positions (x, y). */
  lines: Polyline[];
}

const ARCSEC_STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000, 36000, 72000, 180000];

/** A round spacing (degrees) giving about `lines` lines over `span` degrees; `hours` counts seconds of time. */
export function gridSpacing(span: number, lines: number, hours: boolean): number {
  const unit = hours ? 15 / 3600 : 1 / 3600;
  const want = span / lines / unit;
  const step = ARCSEC_STEPS.find((s) => s >= want) ?? ARCSEC_STEPS[ARCSEC_STEPS.length - 1];
  return step * unit;
}

/**
 * Lines of constant longitude and latitude over a width x height image (full resolution), with a
 * label each: about four of each, at round values.
 */
export function wcsGrid(wcs: CelestialWcs, width: number, height: number, equatorial: boolean, samples = 64): GridLine[] {
  const nx = Math.max(2, Math.min(samples, width));
  const ny = Math.max(2, Math.min(samples, height));
  // Sample (i, j) sits at d3 coordinate (i + 0.5, j + 0.5); its pixel position spreads the samples over the image.
  const px = (X: number) => (X * width) / nx - 0.5;
  const py = (Y: number) => (Y * height) / ny - 0.5;
  const lon = new Float64Array(nx * ny);
  const lat = new Float64Array(nx * ny);
  const [lonC] = pixelToSky(wcs, (width - 1) / 2, (height - 1) / 2);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const [l, b] = pixelToSky(wcs, px(i + 0.5), py(j + 0.5));
      // Unwrapped about the centre, so the grid does not jump at 0h/360°.
      lon[j * nx + i] = lonC + ((((l - lonC) % 360) + 540) % 360) - 180;
      lat[j * nx + i] = b;
    }
  }
  const out: GridLine[] = [];
  const field = (values: Float64Array, axis: 'lon' | 'lat') => {
    let min = Infinity, max = -Infinity;
    for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
    if (!(max > min)) return;
    const [, latC] = pixelToSky(wcs, (width - 1) / 2, (height - 1) / 2);
    const spanOnSky = axis === 'lon' ? (max - min) * Math.cos((latC * Math.PI) / 180) : max - min;
    let step = gridSpacing(axis === 'lon' && equatorial ? (max - min) : spanOnSky, 4, axis === 'lon' && equatorial);
    if (!(step > 0)) return;
    if ((max - min) / step > 12) step = (max - min) / 12;
    const generator = contours().size([nx, ny]);
    for (let v = Math.ceil(min / step) * step; v <= max; v += step) {
      const shape = generator.contour(Array.from(values), v);
      const lines: Polyline[] = [];
      for (const polygon of shape.coordinates) {
        for (const ring of polygon) {
          for (const line of openLines(ring as [number, number][], nx, ny)) lines.push(line.map(([X, Y]) => [px(X), py(Y)]));
        }
      }
      if (lines.length === 0) continue;
      const wrapped = ((v % 360) + 360) % 360;
      const label = axis === 'lon'
        ? (equatorial ? formatRa(wrapped) : `${wrapped.toFixed(4)}°`)
        : (equatorial ? formatDec(v) : `${v >= 0 ? '+' : ''}${v.toFixed(4)}°`);
      out.push({ axis, value: v, label, lines });
    }
  };
  field(lon, 'lon');
  field(lat, 'lat');
  return out;
}
