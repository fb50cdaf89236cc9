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

/** The line is what stands more than this fraction of its peak above the baseline. */
const LINE_FRACTION = 0.1;
/**
 * The half-span in line widths (the second moment of the line above LINE_FRACTION). Survey benchmark,
 * tuning seed 101, cubes descriptor alone, kNN: 2.5, 3, 3.5, 4 widths 95.4, 93.3, 94.2, 91.3 %.
 */
const HALF_SPAN_SIGMAS = 2.5;

/**
 * The window of C channels over the line. spectrum[k]: the field's summed flux in plane k.
 * The line is what stands more than a tenth of its peak above the spectrum's lower envelope ('line',
 * the default; 'peak' for runs made before it); the centre is its flux-weighted mean velocity and the
 * half-span HALF_SPAN_SIGMAS times its spread about it plus half a plane (at least 1.5 planes), or
 * `halfSpan` when given (a common axis in km/s). A median-and-MAD baseline ('peak') sat inside a
 * line that fills the band and kept its peak channels only: the window covered the core and the
 * line's shape (a blue-skewed double peak, one line) was lost (survey benchmark, tuning seed 101,
 * cubes descriptor alone: kNN 87.9 -> 95.4 %, infall 75 -> 88 %).
 */
export function spectralWindow(velocities: number[], spectrum: number[], channels: number, halfSpan?: number, rule: 'line' | 'peak' = 'line'): SpectralWindow {
  const K = velocities.length;
  const width = K > 1 ? Math.abs(velocities[K - 1]! - velocities[0]!) / (K - 1) : 1;
  const finite = spectrum.map((x) => (Number.isFinite(x) ? x : 0));
  const found = rule === 'peak' ? peakChannels(velocities, finite) : wholeLine(velocities, finite);
  const half = halfSpan ?? Math.max(found.halfSpan + 0.5 * width, 1.5 * width);
  const centre = found.centre;
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

/**
 * 'line': the baseline is the lower envelope (3-channel running mean) of the spectrum: the line-free
 * level, or the line's far wings where the line fills the band, as cut-out cubes often do. Each
 * channel weighs by how far it stands above a tenth of the peak: a channel that crosses that level
 * as the line slides across the planes enters with weight near 0, so the window moves smoothly with
 * the line and one kind of line gets one window at any systemic velocity. Centre and half-span
 * (before the half plane added) from the weights' first and second moments.
 */
function wholeLine(velocities: number[], finite: number[]): { centre: number; halfSpan: number } {
  const K = finite.length;
  const smooth = finite.map((_, k) => {
    let s = 0, n = 0;
    for (let j = Math.max(0, k - 1); j <= Math.min(K - 1, k + 1); j++) { s += finite[j]!; n++; }
    return s / n;
  });
  const base = Math.min(...smooth);
  const peak = Math.max(...finite);
  const cut = base + LINE_FRACTION * (peak - base);
  const weight = finite.map((x) => (peak > base ? Math.max(x - cut, 0) : 0));
  let sw = 0, sv = 0;
  for (let k = 0; k < K; k++) { sw += weight[k]!; sv += weight[k]! * velocities[k]!; }
  if (!(sw > 0)) return { centre: velocities[finite.indexOf(peak)]!, halfSpan: 0 }; // nothing stands out: the brightest plane
  const centre = sv / sw;
  let m2 = 0;
  for (let k = 0; k < K; k++) m2 += weight[k]! * (velocities[k]! - centre) ** 2;
  return { centre, halfSpan: HALF_SPAN_SIGMAS * Math.sqrt(m2 / sw) };
}

/**
 * 'peak', the rule of runs made before 'line' (kept so that they embed as they trained): the line is
 * the channels 3 MADs above the spectrum's median; half-span 1.25 times the farthest of them. Where
 * the line fills the band that median sits inside the line and only its peak channels count.
 */
function peakChannels(velocities: number[], finite: number[]): { centre: number; halfSpan: number } {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const base = median(finite);
  const sigma = 1.4826 * median(finite.map((x) => Math.abs(x - base)));
  let line = finite.map((x, k) => (x - base > 3 * sigma ? k : -1)).filter((k) => k >= 0);
  if (line.length === 0) line = [finite.indexOf(Math.max(...finite))];
  let sw = 0, sv = 0;
  for (const k of line) { const w = Math.max(finite[k]! - base, 1e-30); sw += w; sv += w * velocities[k]!; }
  const centre = sv / sw;
  let reach = 0;
  for (const k of line) reach = Math.max(reach, Math.abs(velocities[k]! - centre));
  return { centre, halfSpan: 1.25 * reach };
}
