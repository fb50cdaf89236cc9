// How a line cube becomes C channels by default ('spectrum'): on a velocity axis built from the
// WCS (radio velocity, whatever the axis type — FREQ, VRAD, VOPT, WAVE — and direction), centred
// on the line and spanning the line's own extent. So two cubes of the same kind of source line up
// channel for channel whatever their systemic velocity, channel width, band or axis direction:
// plain binning of planes ('bin') put the line in different channels for each, and a moment-0
// collapse throws away the kinematics (rotation, infall, outflow) that tell such sources apart.
import { convertSpectral, linearWcs, spectralTypeOf, type HeaderLike } from '../../fits/index.ts';

/** Radio velocity (km/s) of each plane along axis `axis` (0-based), or undefined without a usable spectral WCS. */
export function planeVelocities(header: HeaderLike, axis: number, planes: number): number[] | undefined {
  let wcs;
  try {
    wcs = linearWcs(header);
  } catch {
    return undefined;
  }
  const a = wcs.axes[axis];
  const type = a ? spectralTypeOf(a.ctype) : undefined;
  if (!a || type === undefined) return undefined;
  let si: number[];
  try {
    si = Array.from({ length: planes }, (_, k) => wcs.spectralValue(axis, wcs.axisValue(axis, k), type)); // SI units
  } catch {
    return undefined; // a unit we do not know
  }
  if (!si.every(Number.isFinite)) return undefined;
  // Offsets from the line centre are what we use, so without a rest frequency the band's middle
  // serves as one (radio velocity offsets then differ from true ones by under 1e-3 of themselves).
  let rest = wcs.restFrequency;
  if (!(rest && rest > 0)) {
    if (type === 'VRAD' || type === 'VOPT' || type === 'VELO') return si.map((v) => v / 1000);
    const mid = (si[0]! + si[planes - 1]!) / 2;
    rest = type === 'FREQ' ? mid : 299792458 / mid;
  }
  const v = si.map((x) => convertSpectral(x, type, 'VRAD', rest) / 1000);
  return v.every(Number.isFinite) ? v : undefined;
}

export interface SpectralWindow {
  /** Line centre and half-span, km/s (or plane units without a spectral WCS). */
  centre: number;
  halfSpan: number;
  /** weights[c][k]: share of plane k in channel c; each channel's weights sum to 1 (or are all 0 outside the band). */
  weights: Float64Array[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * The window of C channels over the line. spectrum[k]: the field's summed flux in plane k.
 * The line is the channels more than 3 sigma (robust, from the spectrum's own scatter) above its
 * median; the centre is their flux-weighted mean velocity and the half-span 1.25 times the farthest
 * of them from it (at least 1.5 channel widths), or `halfSpan` when given (a common axis in km/s).
 */
export function spectralWindow(velocities: number[], spectrum: number[], channels: number, halfSpan?: number): SpectralWindow {
  const K = velocities.length;
  const width = K > 1 ? Math.abs(velocities[K - 1]! - velocities[0]!) / (K - 1) : 1;
  const finite = spectrum.map((x) => (Number.isFinite(x) ? x : 0));
  const base = median(finite);
  const sigma = 1.4826 * median(finite.map((x) => Math.abs(x - base)));
  let line = finite.map((x, k) => (x - base > 3 * sigma ? k : -1)).filter((k) => k >= 0);
  if (line.length === 0) {
    // No channel stands out: centre on the brightest one, keep the whole band.
    const peak = finite.indexOf(Math.max(...finite));
    line = [peak];
  }
  let sw = 0, sv = 0;
  for (const k of line) { const w = Math.max(finite[k]! - base, 1e-30); sw += w; sv += w * velocities[k]!; }
  const centre = sv / sw;
  let reach = 0;
  for (const k of line) reach = Math.max(reach, Math.abs(velocities[k]! - centre));
  const half = halfSpan ?? Math.max(1.25 * reach + 0.5 * width, 1.5 * width);
  // Channel c covers [lo_c, hi_c) in velocity; a plane covers [v - width/2, v + width/2]: weight by overlap.
  const weights = Array.from({ length: channels }, (_, c) => {
    const lo = centre - half + (2 * half * c) / channels, hi = centre - half + (2 * half * (c + 1)) / channels;
    const w = new Float64Array(K);
    let total = 0;
    for (let k = 0; k < K; k++) {
      const overlap = Math.min(hi, velocities[k]! + width / 2) - Math.max(lo, velocities[k]! - width / 2);
      if (overlap > 0) { w[k] = overlap; total += overlap; }
    }
    if (total > 0) for (let k = 0; k < K; k++) w[k]! /= total;
    return w;
  });
  return { centre, halfSpan: half, weights };
}
