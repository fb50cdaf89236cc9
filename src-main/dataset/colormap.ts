// Colormaps as 256-entry RGB lookup tables. d3-scale-chromatic carries matplotlib's viridis, magma
// and inferno as 256-colour ramps (sampled here exactly) and cividis as its published fit.
// Node-free: the renderer reuses it.
import { interpolateCividis, interpolateInferno, interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';

export type Colormap = 'gray' | 'viridis' | 'magma' | 'inferno' | 'cividis';
export const COLORMAPS: readonly Colormap[] = ['gray', 'viridis', 'magma', 'inferno', 'cividis'];

const INTERPOLATORS: Record<Exclude<Colormap, 'gray'>, (t: number) => string> = {
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  cividis: interpolateCividis,
};

const cache = new Map<Colormap, Uint8Array>();

/** 256 × [r, g, b] bytes. */
export function colormapLut(name: Colormap): Uint8Array {
  let lut = cache.get(name);
  if (lut) return lut;
  lut = new Uint8Array(256 * 3);
  if (name === 'gray') {
    for (let i = 0; i < 256; i++) lut.fill(i, i * 3, i * 3 + 3);
  } else {
    const interpolate = INTERPOLATORS[name];
    if (!interpolate) throw new RangeError(`unknown colormap ${String(name)}; expected one of ${COLORMAPS.join(', ')}`);
    for (let i = 0; i < 256; i++) {
      const [r, g, b] = parseColor(interpolate(i / 255));
      lut[i * 3] = r;
      lut[i * 3 + 1] = g;
      lut[i * 3 + 2] = b;
    }
  }
  cache.set(name, lut);
  return lut;
}

// d3 interpolators return '#rrggbb' (ramps) or 'rgb(r, g, b)' (cividis).
function parseColor(css: string): [number, number, number] {
  if (css.startsWith('#')) {
    const v = Number.parseInt(css.slice(1, 7), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  if (!m) throw new Error(`unexpected colour ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
