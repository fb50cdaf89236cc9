// Point colours for the scatter map: categories (clusters, tags, OBJECT) through a qualitative palette,
// scores (outliers) through a sequential ramp; packed as RGBA in a Uint32Array (little-endian ABGR),
// which is what the canvas's ImageData wants.
import { interpolateViridis, rgb, schemeTableau10 } from 'd3';

const PALETTE = [...schemeTableau10, '#8dd3c7', '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5', '#bc80bd', '#ccebc5'];
const NONE = packCss('#6f7785');

function packCss(css: string): number {
  const c = rgb(css);
  return (255 << 24) | (Math.round(c.b) << 16) | (Math.round(c.g) << 8) | Math.round(c.r);
}

const PACKED = PALETTE.map(packCss);

export function categoryColour(k: number): string {
  return PALETTE[((k % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Categories by index; -1 (noise, none) is gray. */
export function coloursByCategory(labels: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] < 0 ? NONE : PACKED[labels[i] % PACKED.length];
  return out;
}

// Viridis from a quarter up: its darkest blues and purples vanish on the map's dark ground.
const RAMP_START = 0.22;
const ramp = (t: number) => interpolateViridis(RAMP_START + (1 - RAMP_START) * t);
const RAMP_LUT = Array.from({ length: 256 }, (_, i) => packCss(ramp(i / 255)));

/** A continuous colour scale: the values' colours, and the range (1st to 99th percentile) the colourbar labels. */
export interface ValueScale {
  colours: Uint32Array;
  lo: number;
  hi: number;
  /** Items without a finite value (drawn gray). */
  missing: number;
}

/** Values through the ramp between their 1st and 99th percentile; NaN (no value) is gray. */
export function coloursByNumber(values: ArrayLike<number>): ValueScale {
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  const lo = sorted[Math.floor(sorted.length * 0.01)] ?? 0;
  const hi = sorted[Math.floor((sorted.length - 1) * 0.99)] ?? 1;
  const out = new Uint32Array(values.length);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      out[i] = NONE;
      missing++;
      continue;
    }
    const t = hi > lo ? (values[i] - lo) / (hi - lo) : 0.5;
    out[i] = RAMP_LUT[Math.max(0, Math.min(255, Math.round(t * 255)))];
  }
  return { colours: out, lo, hi, missing };
}

/** Scores (outliers): as coloursByNumber. */
export function coloursByScore(scores: ArrayLike<number>): Uint32Array {
  return coloursByNumber(scores).colours;
}

/** The ramp as a CSS gradient, low to high from left to right (or bottom to top with 'to top'). */
export function rampGradient(direction = 'to right'): string {
  return `linear-gradient(${direction}, ${Array.from({ length: 9 }, (_, i) => `${ramp(i / 8)} ${(i * 12.5).toFixed(1)}%`).join(', ')})`;
}

/** Tick values for a colourbar or an axis: about `count` round numbers within [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** A tick label: few digits, exponent form for very large or small magnitudes. */
export function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** Categories from strings (tags, OBJECT): the most common get their own colour, the rest share gray. */
export function coloursByValue(values: (string | null)[]): { colours: Uint32Array; legend: { label: string; colour: string }[] } {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, PALETTE.length).map(([v]) => v);
  const index = new Map(top.map((v, i) => [v, i]));
  const labels = values.map((v) => (v === null ? -1 : (index.get(v) ?? -1)));
  return { colours: coloursByCategory(labels), legend: top.map((label, i) => ({ label, colour: PALETTE[i] })) };
}

export function uniformColours(n: number): Uint32Array {
  return new Uint32Array(n).fill(packCss('#5aa9ff'));
}
