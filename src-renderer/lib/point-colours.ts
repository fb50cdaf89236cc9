// Point colours for the scatter map: categories (clusters, tags, OBJECT) through a qualitative palette,
// scores (outliers) through a sequential ramp; packed as RGBA in a Uint32Array (little-endian ABGR),
// which is what the canvas's ImageData wants.
import { interpolateInferno, rgb, schemeTableau10 } from 'd3';

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

/** Scores through the inferno ramp between their 1st and 99th percentile. */
export function coloursByScore(scores: ArrayLike<number>): Uint32Array {
  const sorted = Float64Array.from(scores).filter(Number.isFinite).sort();
  const lo = sorted[Math.floor(sorted.length * 0.01)] ?? 0;
  const hi = sorted[Math.floor((sorted.length - 1) * 0.99)] ?? 1;
  const lut = Array.from({ length: 256 }, (_, i) => packCss(interpolateInferno(0.15 + 0.85 * (i / 255))));
  const out = new Uint32Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const t = hi > lo ? (scores[i] - lo) / (hi - lo) : 0.5;
    out[i] = Number.isFinite(scores[i]) ? lut[Math.max(0, Math.min(255, Math.round(t * 255)))] : NONE;
  }
  return out;
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
