// Colormaps as 256-entry RGB lookup tables. d3-scale-chromatic carries matplotlib's viridis, magma,
// inferno and plasma as 256-colour ramps (sampled here exactly), cividis as its published fit and
// Green's cubehelix. DS9's own tables (heat, cool, b, bb, he) are its piecewise-linear red, green
// and blue ramps (SAOImage DS9, colorbar/default.C).
// Node-free: the renderer reuses it.
import {
  interpolateCividis, interpolateCubehelixDefault, interpolateInferno, interpolateMagma, interpolatePlasma, interpolateViridis,
} from 'd3-scale-chromatic';

export type Colormap = 'gray' | 'viridis' | 'magma' | 'inferno' | 'plasma' | 'cividis' | 'cubehelix' | 'heat' | 'cool' | 'b' | 'bb' | 'he';
export const COLORMAPS: readonly Colormap[] = ['gray', 'viridis', 'magma', 'inferno', 'plasma', 'cividis', 'cubehelix', 'heat', 'cool', 'b', 'bb', 'he'];

type Ds9Name = 'heat' | 'cool' | 'b' | 'bb' | 'he';
const INTERPOLATORS: Record<Exclude<Colormap, 'gray' | Ds9Name>, (t: number) => string> = {
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
  cividis: interpolateCividis,
  cubehelix: interpolateCubehelixDefault,
};

/** (x, value) breakpoints of red, green and blue, both in [0, 1]. */
type Ramp = readonly (readonly [number, number])[];
const DS9: Record<Ds9Name, readonly [Ramp, Ramp, Ramp]> = {
  heat: [[[0, 0], [0.34, 1], [1, 1]], [[0, 0], [1, 1]], [[0, 0], [0.65, 0], [0.98, 1], [1, 1]]],
  cool: [[[0, 0], [0.29, 0], [0.76, 0.1], [1, 1]], [[0, 0], [0.22, 0], [0.96, 1], [1, 1]], [[0, 0], [0.53, 1], [1, 1]]],
  b: [[[0, 0], [0.25, 0], [0.5, 1], [1, 1]], [[0, 0], [0.5, 0], [0.75, 1], [1, 1]], [[0, 0], [0.25, 1], [0.5, 0], [0.75, 0], [1, 1]]],
  bb: [[[0, 0], [0.5, 1], [1, 1]], [[0, 0], [0.25, 0], [0.75, 1], [1, 1]], [[0, 0], [0.5, 0], [1, 1]]],
  he: [
    [[0, 0], [0.015, 0.5], [0.25, 0.5], [0.5, 0.75], [1, 1]],
    [[0, 0], [0.065, 0], [0.125, 0.5], [0.25, 0.75], [0.5, 0.81], [1, 1]],
    [[0, 0], [0.015, 0.125], [0.03, 0.375], [0.065, 0.625], [0.25, 0.25], [1, 1]],
  ],
};

function piecewise(ramp: Ramp, t: number): number {
  for (let k = 1; k < ramp.length; k++) {
    const [x1, y1] = ramp[k];
    if (t <= x1) {
      const [x0, y0] = ramp[k - 1];
      return x1 === x0 ? y1 : y0 + ((t - x0) / (x1 - x0)) * (y1 - y0);
    }
  }
  return ramp[ramp.length - 1][1];
}

const cache = new Map<Colormap, Uint8Array>();

/** 256 × [r, g, b] bytes. */
export function colormapLut(name: Colormap): Uint8Array {
  let lut = cache.get(name);
  if (lut) return lut;
  lut = new Uint8Array(256 * 3);
  if (name === 'gray') {
    for (let i = 0; i < 256; i++) lut.fill(i, i * 3, i * 3 + 3);
  } else if (Object.hasOwn(DS9, name)) {
    const ramps = DS9[name as Ds9Name];
    for (let i = 0; i < 256; i++) for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(piecewise(ramps[c], i / 255) * 255);
  } else {
    const interpolate = Object.hasOwn(INTERPOLATORS, name) ? INTERPOLATORS[name as keyof typeof INTERPOLATORS] : undefined;
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
