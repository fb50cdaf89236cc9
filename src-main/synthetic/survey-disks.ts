// Continuum disks with the variety of an ALMA survey (DSHARP, Taurus, Lupus, ODISEA): six classes,
// each drawn from a family of realistic profiles, observed under drawn nuisances (survey-common.ts).
// Every class keeps what defines it resolved at the drawn beam: a ring's cavity spans >= 1.5 beams,
// rings and gaps are >= 1.6 beams apart, binary components >= 1.8 beams, spiral arms >= 1.6 beams
// apart at 0.6 R, and the faintest feature that names the class is kept above the noise.
// All lengths are in pixels; "b" below is the beam's major-axis FWHM.
import { Rng } from '../base/random.ts';
import { beamAreaPixels, beamKernel, convolveBeamInterior } from './beam.ts';
import {
  addNoise, celestialCards, deproject, frameBeam, isotropicInclination, projection, supersampling,
  type Projection, type SurveyFrame, type SurveyRanges,
} from './survey-common.ts';

export const SURVEY_DISK_CLASSES = ['smooth', 'ring', 'multi-ring', 'spiral', 'binary', 'crescent'] as const;
export type SurveyDiskClass = (typeof SURVEY_DISK_CLASSES)[number];

/** Face-on radial profile: Gaussian (rc = sigma) or power law with exponential taper (r/rc)^-gamma exp(-(r/rc)^beta). */
export interface RadialProfile { kind: 'gaussian' | 'taper'; rc: number; gamma: number; beta: number }
/** A ring: Gaussian inner and outer edges of their own widths, peak `amplitude` at `radius`. */
export interface RingFeature { radius: number; sigmaIn: number; sigmaOut: number; amplitude: number }
/** A gap carved in the disk profile: the profile times 1 - depth * Gaussian. */
export interface GapFeature { radius: number; sigma: number; depth: number }
export interface BinaryComponent { radius: number; profile: RadialProfile; inclination: number; positionAngle: number; fluxFraction: number }

export interface SurveyDiskParams {
  className: SurveyDiskClass;
  /** Sub-family, e.g. 'taper', 'gaussian+shallow-gap', 'rings', 'gaps', 'horseshoe'. */
  variant: string;
  /** The smooth disk (smooth, spiral, gapped multi-ring) or a faint halo/background (others), times diskAmplitude. */
  profile: RadialProfile;
  diskAmplitude: number;
  /** Upper bound on the disk term (a background plateau under rings); 0 for none. */
  diskCap: number;
  /** A halo outside a ring: inside `radius` the disk term fades like the ring's inner edge. */
  diskInner: { radius: number; sigma: number } | null;
  gaps: GapFeature[];
  rings: RingFeature[];
  /** A compact disk inside a ring's cavity (or at the centre of a ring system). */
  innerDisk: { sigma: number; amplitude: number } | null;
  /** Mild azimuthal modulation of rings: 1 + m1 cos(phi - phase1) + m2 cos 2(phi - phase2). */
  modulation: { m1: number; phase1: number; m2: number; phase2: number };
  /** Crescent: a horseshoe (Gaussian in azimuth over a floor) or a lopsided ring (1 + a cos); contrast = max / min. */
  crescent: { shape: 'horseshoe' | 'lopsided'; azimuth: number; width: number; contrast: number } | null;
  /** Two logarithmic arms on the disk: arm/inter-arm contrast 1 + contrast, width (rad of azimuth, sigma). */
  spiral: { pitch: number; handedness: 1 | -1; phase: number; width: number; contrast: number; armRatio: number; rIn: number } | null;
  binary: { separation: number; angle: number; fluxRatio: number; components: [BinaryComponent, BinaryComponent] } | null;
  /** The scale the class hinges on, in beams: ring radius (ring, crescent), ring/gap spacing, binary separation, arm spacing at 0.6 R; R (smooth). */
  keyScaleBeams: number;
  /**
   * Depth of the shallowest dip that defines the class in the beam-convolved radial profile along the major axis
   * (ring, crescent: the cavity; multi-ring: between rings; smooth: the largest dip, kept small); NaN where not radial.
   */
  featureContrast: number;
}

const TWO_PI = 2 * Math.PI;
const wrapPi = (a: number): number => a - TWO_PI * Math.round(a / TWO_PI);
const GAUSS_R90 = Math.sqrt(2 * Math.log(10)); // a Gaussian disk holds 90% of its flux within 2.146 sigma
const FWHM = 2 * Math.sqrt(2 * Math.log(2));

export function profileValue(p: RadialProfile, r: number): number {
  if (p.kind === 'gaussian') return Math.exp(-0.5 * (r / p.rc) ** 2);
  const x = Math.sqrt(r * r + (0.01 * p.rc) ** 2) / p.rc; // softened centre
  return Math.pow(x, -p.gamma) * Math.exp(-Math.pow(x, p.beta));
}

/** Flux of the face-on profile, 2 pi int P r dr, and the radius holding 90% of it. */
export function profileMoments(p: RadialProfile): { flux: number; r90: number } {
  const n = 4000, rMax = (p.kind === 'gaussian' ? 8 : 12) * p.rc, dr = rMax / n;
  const cum = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) {
    const r = (i - 0.5) * dr;
    cum[i] = cum[i - 1]! + TWO_PI * profileValue(p, r) * r * dr;
  }
  const flux = cum[n]!;
  let i = 0;
  while (i < n && cum[i]! < 0.9 * flux) i++;
  return { flux, r90: i * dr };
}

function taperR90(gamma: number, beta: number): number {
  return profileMoments({ kind: 'taper', rc: 1, gamma, beta }).r90;
}

/** A smooth disk whose 90%-flux radius is R: Gaussian, self-similar taper, or a sharp-edged taper. */
export function sampleProfile(rng: Rng, R: number): RadialProfile {
  const u = rng.next();
  if (u < 0.3) return { kind: 'gaussian', rc: R / GAUSS_R90, gamma: 0, beta: 2 };
  const gamma = rng.uniform(0, 1);
  const beta = u < 0.7 ? 2 - gamma : rng.uniform(3, 8);
  return { kind: 'taper', rc: R / taperR90(gamma, beta), gamma, beta };
}

function blank(className: SurveyDiskClass, profile: RadialProfile): SurveyDiskParams {
  return {
    className, variant: '', profile, diskAmplitude: 0, diskCap: 0, diskInner: null, gaps: [], rings: [], innerDisk: null,
    modulation: { m1: 0, phase1: 0, m2: 0, phase2: 0 }, crescent: null, spiral: null, binary: null, keyScaleBeams: NaN, featureContrast: NaN,
  };
}

/** Sorted positions in [lo, hi] at least `gap` apart: stick-breaking over the slack. Null when they do not fit. */
function spacedPositions(rng: Rng, n: number, lo: number, hi: number, gap: number): number[] | null {
  const slack = hi - lo - (n - 1) * gap;
  if (slack < 0) return null;
  const u = Array.from({ length: n }, () => rng.uniform(0, slack)).sort((a, b) => a - b);
  return u.map((v, k) => lo + v + k * gap);
}

/** Peak of the faintest feature relative to the brightest, so it stays >= ~5 sigma at the drawn SNR. */
const featureFloor = (snr: number, lo = 0.35): number => Math.min(0.9, Math.max(lo, 6 / snr));

function singleRing(rng: Rng, R: number, b: number, innerEdge: [number, number]): RingFeature {
  const r0 = R * rng.uniform(Math.max(0.45, (1.5 * b) / R), 0.85);
  const sigmaOut = Math.max((R - r0) / GAUSS_R90, 0.08 * b);
  // The cavity (inside the ring's inner half-maximum) keeps a radius of >= 0.75 beam and >= 0.4 of the ring's.
  const cavity = Math.max(0.75 * b, 0.4 * r0);
  const sigmaIn = Math.min(sigmaOut * rng.logUniform(innerEdge[0], innerEdge[1]), Math.max(0.08 * b, (r0 - cavity) / (FWHM / 2)));
  return { radius: r0, sigmaIn, sigmaOut, amplitude: 1 };
}

/** A compact disk inside a ring's cavity, clear of the ring's inner edge by half a beam; null if no room. */
function innerDiskFor(rng: Rng, ring: RingFeature, b: number): { sigma: number; amplitude: number } | null {
  const room = (ring.radius - (FWHM / 2) * ring.sigmaIn - 0.5 * b) / 2;
  const sigma = Math.min(rng.uniform(0.1, 0.35) * b, room);
  return sigma > 0.05 * b ? { sigma, amplitude: rng.uniform(0.15, 0.8) } : null;
}

/**
 * Draws the intrinsic object of class `className` for a frame (which fixes R, beam and SNR), redrawing (up to
 * 40 times) until the beam-convolved radial profile shows what names the class (radialCheck).
 */
export function sampleDiskParams(rng: Rng, className: SurveyDiskClass, f: SurveyFrame, ranges: SurveyRanges): SurveyDiskParams {
  let o = drawDiskParams(rng, className, f, ranges);
  for (let attempt = 1; attempt < 40 && !radialCheck(o, f.beamMajor).ok; attempt++) o = drawDiskParams(rng, className, f, ranges);
  o.featureContrast = radialCheck(o, f.beamMajor).contrast;
  return o;
}

function drawDiskParams(rng: Rng, className: SurveyDiskClass, f: SurveyFrame, ranges: SurveyRanges): SurveyDiskParams {
  const R = f.radius, b = f.beamMajor;
  const o = blank(className, sampleProfile(rng, R));
  switch (className) {
    case 'smooth': {
      o.diskAmplitude = 1;
      o.keyScaleBeams = R / b;
      o.variant = o.profile.kind === 'gaussian' ? 'gaussian' : o.profile.beta > 2.5 ? 'sharp-edge' : 'taper';
      if (rng.next() < 0.3) {
        // A shallow (10-25%) gap about a beam wide: real smooth disks often show one.
        o.gaps.push({ radius: R * rng.uniform(0.3, 0.75), sigma: (rng.uniform(0.6, 1.5) * b) / FWHM, depth: rng.uniform(0.1, 0.25) });
        o.variant += '+shallow-gap';
      }
      break;
    }
    case 'ring':
    case 'crescent': {
      const ring = singleRing(rng, R, b, className === 'ring' ? [0.4, 2.5] : [0.5, 2]);
      o.rings.push(ring);
      o.keyScaleBeams = ring.radius / b;
      if (className === 'ring') {
        o.modulation = { m1: rng.uniform(0, 0.2), phase1: rng.uniform(0, TWO_PI), m2: rng.uniform(0, 0.12), phase2: rng.uniform(0, Math.PI) };
        o.variant = 'ring';
      } else {
        const contrast = rng.logUniform(4, 40);
        const horseshoe = rng.next() < 0.6;
        // A horseshoe's arc stays >= ~2 beams long at half maximum.
        const wLo = Math.min(1.2, Math.max(0.45, (0.85 * b) / ring.radius));
        o.crescent = { shape: horseshoe ? 'horseshoe' : 'lopsided', azimuth: rng.uniform(-Math.PI, Math.PI), width: horseshoe ? rng.uniform(wLo, 1.2) : 0, contrast };
        o.variant = o.crescent.shape;
      }
      if (rng.next() < (className === 'ring' ? 0.35 : 0.25)) {
        o.innerDisk = innerDiskFor(rng, ring, b);
        if (o.innerDisk) o.variant += '+inner-disk';
      }
      if (rng.next() < 0.3) {
        // A faint halo or outer shelf outside the ring: 3-12% of the ring's peak at the ring.
        o.diskAmplitude = rng.uniform(0.03, 0.12) / profileValue(o.profile, ring.radius);
        o.diskInner = { radius: ring.radius, sigma: ring.sigmaIn };
        o.variant += '+halo';
      }
      break;
    }
    case 'multi-ring': {
      const gapped = R >= 3.7 * b && rng.next() < 0.45;
      if (gapped) {
        // A disk carved by 2-3 deep, resolved gaps (HL Tau, TW Hya, AS 209).
        const n = R >= 5.4 * b && rng.next() < 0.5 ? 3 : 2;
        const g = spacedPositions(rng, n, 1.2 * b, Math.max(1.2 * b + (n - 1) * 1.6 * b, Math.min(R - 0.8 * b, 0.85 * R)), 1.6 * b)!;
        const spacing = Math.min(...g.slice(1).map((v, k) => v - g[k]!));
        // Gap FWHM 15-35% of its radius (DSHARP), at least 0.8 beam (resolved), at most 0.6 of the spacing.
        o.gaps = g.map((radius) => ({
          radius, sigma: Math.min(Math.max(0.8 * b, rng.uniform(0.15, 0.35) * radius), Math.max(0.8 * b, 0.6 * spacing)) / FWHM, depth: rng.uniform(0.6, 0.97),
        }));
        o.diskAmplitude = 1;
        o.variant = `gaps-${n}`;
        o.keyScaleBeams = spacing / b;
      } else {
        // 2-3 bright rings, optionally around a central disk, on a faint background.
        const sigmaLast = rng.uniform(0.15, 0.45) * b;
        const rLast = R - GAUSS_R90 * sigmaLast;
        let central = rng.next() < 0.35;
        if (central && rLast < 3.2 * b) central = false;
        const start = central ? 1.6 * b : 0.7 * b;
        const n = rLast - 2 * 1.6 * b >= start && rng.next() < 0.5 ? 3 : 2;
        const inner = spacedPositions(rng, n - 1, start, rLast - 1.6 * b, 1.6 * b)!;
        const radii = [...inner, rLast];
        const all = central ? [0, ...radii] : radii;
        const spacing = Math.min(...all.slice(1).map((v, k) => v - all[k]!));
        const floor = featureFloor(f.snr);
        const brightest = rng.int(n);
        o.rings = radii.map((radius, k) => {
          const sigma = k === n - 1 ? sigmaLast : rng.uniform(0.12 * b, Math.max(0.12 * b, Math.min(0.45 * b, (0.6 * spacing) / FWHM)));
          const skew = rng.logUniform(0.7, 1.4);
          return { radius, sigmaIn: sigma * Math.sqrt(skew), sigmaOut: sigma / Math.sqrt(skew), amplitude: k === brightest ? 1 : rng.uniform(floor, 1) };
        });
        if (central) o.innerDisk = { sigma: rng.uniform(0.15, 0.4) * b, amplitude: rng.uniform(Math.max(0.4, floor), 1.2) };
        if (rng.next() < 0.5) {
          // Emission between the rings: the disk profile, at most 5-25% of the brightest ring.
          o.diskCap = rng.uniform(0.05, 0.25);
          o.diskAmplitude = o.diskCap / profileValue(o.profile, radii[0]!);
        }
        o.variant = `rings-${n}${central ? '+centre' : ''}`;
        o.keyScaleBeams = spacing / b;
      }
      break;
    }
    case 'spiral': {
      o.diskAmplitude = 1;
      // Arms >= 1.6 beams apart (perpendicular to the arms) at 0.6 R: pi * 0.6R * sin(pitch) for two arms.
      const pMin = (Math.asin(Math.min(1, (1.6 * b) / (Math.PI * 0.6 * R))) * 180) / Math.PI;
      const pitch = rng.uniform(Math.min(30, Math.max(12, pMin)), 30);
      // Arms at least ~5 sigma above the disk at half the radius (the profile relative to its beam-smoothed peak).
      const rel = profileValue(o.profile, 0.5 * R) / profileValue(o.profile, 0.5 * b);
      const contrast = Math.min(8, Math.max(rng.uniform(1, 4), 5 / (f.snr * rel)));
      o.spiral = {
        pitch, handedness: rng.next() < 0.5 ? 1 : -1, phase: rng.uniform(0, TWO_PI), width: rng.uniform(0.25, 0.45),
        contrast, armRatio: rng.uniform(0.6, 1), rIn: rng.uniform(0.1, 0.3) * R,
      };
      o.variant = o.profile.kind;
      o.keyScaleBeams = (Math.PI * 0.6 * R * Math.sin((pitch * Math.PI) / 180)) / b;
      break;
    }
    case 'binary': {
      // Two small disks, flux ratio 1-10 (the secondary kept >= ~5 sigma), >= 1.8 beams apart, inside R.
      const q = rng.logUniform(1, Math.max(1, Math.min(10, f.snr / 5)));
      // Component disks of 0.15-0.35 R (at least 0.4 beam), the fainter one no larger than the brighter.
      let r1 = Math.max(0.4 * b, rng.uniform(0.15, 0.35) * R), r2 = Math.max(0.3 * b, r1 * rng.uniform(0.4, 1));
      const f1 = q / (1 + q), f2 = 1 / (1 + q);
      let lower = Math.max(1.8 * b, r1 + r2 + 0.8 * b);
      let upper = Math.min((R - r1) / f2, (R - r2) / f1);
      if (lower > upper) { r1 = 0.4 * b; r2 = 0.3 * b; lower = 1.8 * b; upper = Math.min((R - r1) / f2, (R - r2) / f1); }
      const separation = rng.uniform(Math.min(upper, Math.max(lower, 0.6 * upper)), upper);
      const second = sampleProfile(rng, r2);
      o.profile = sampleProfile(rng, r1);
      o.binary = {
        separation, angle: rng.uniform(0, 360), fluxRatio: q,
        components: [
          { radius: r1, profile: o.profile, inclination: f.inclination, positionAngle: f.positionAngle, fluxFraction: f1 },
          { radius: r2, profile: second, inclination: isotropicInclination(rng, ranges.inclination), positionAngle: rng.uniform(0, 180), fluxFraction: f2 },
        ],
      };
      o.diskAmplitude = 1;
      o.variant = q < 2 ? 'equal' : 'unequal';
      o.keyScaleBeams = separation / b;
      break;
    }
  }
  return o;
}

type Brightness = (r: number, phi: number) => number;

/** The axisymmetric parts of an object: disk (with gaps, cap and inner fade), inner disk, rings (unmodulated). */
function radialParts(o: SurveyDiskParams): { disk: (r: number) => number; inner: (r: number) => number; rings: (r: number) => number } {
  const disk = (r: number): number => {
    if (o.diskAmplitude === 0) return 0;
    let v = o.diskAmplitude * profileValue(o.profile, r);
    if (o.diskCap > 0) v = Math.min(v, o.diskCap);
    if (o.diskInner && r < o.diskInner.radius) {
      v = o.diskAmplitude * profileValue(o.profile, o.diskInner.radius) * Math.exp(-0.5 * ((r - o.diskInner.radius) / o.diskInner.sigma) ** 2);
    }
    for (const g of o.gaps) v *= 1 - g.depth * Math.exp(-0.5 * ((r - g.radius) / g.sigma) ** 2);
    return v;
  };
  const inner = (r: number): number => (o.innerDisk ? o.innerDisk.amplitude * Math.exp(-0.5 * (r / o.innerDisk.sigma) ** 2) : 0);
  const rings = (r: number): number => { let s = 0; for (const ring of o.rings) s += ringValue(ring, r); return s; };
  return { disk, inner, rings };
}

/** exp(-x) I0(x), Abramowitz & Stegun 9.8.1-2 (|error| < 2e-7 relative). */
function besselI0Scaled(x: number): number {
  if (x < 3.75) {
    const t = (x / 3.75) ** 2;
    return Math.exp(-x) * (1 + t * (3.5156229 + t * (3.0899424 + t * (1.2067492 + t * (0.2659732 + t * (0.0360768 + t * 0.0045813))))));
  }
  const t = 3.75 / x;
  return (0.39894228 + t * (0.01328592 + t * (0.00225319 + t * (-0.00157565 + t * (0.00916281 + t * (-0.02057706
    + t * (0.02635537 + t * (-0.01647633 + t * 0.00392377)))))))) / Math.sqrt(x);
}

/**
 * The axisymmetric profile (rings at their peak azimuth) convolved with a circular beam of FWHM b, exactly
 * (Hankel form: int r F(r) exp(-(r - rho)^2 / 2s^2) I0s(r rho / s^2) dr / s^2), on rho = 0 .. rMax in steps of b/10.
 */
export function convolvedRadialProfile(o: SurveyDiskParams, b: number, rMax: number): { rho: number[]; value: number[] } {
  const { disk, inner, rings } = radialParts(o);
  const F = (r: number) => disk(r) + inner(r) + rings(r);
  const s = b / FWHM, h = b / 10, n = Math.ceil(rMax / h) + 1, m = Math.ceil((rMax + 4 * b) / h) + 1;
  const f = Array.from({ length: m }, (_, j) => F(j * h));
  const rho: number[] = [], value: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = i * h;
    let acc = 0;
    const j0 = Math.max(0, Math.floor((p - 5 * s) / h)), j1 = Math.min(m - 1, Math.ceil((p + 5 * s) / h));
    for (let j = j0; j <= j1; j++) {
      const r = j * h;
      acc += r * f[j]! * Math.exp(-0.5 * ((r - p) / s) ** 2) * besselI0Scaled((r * p) / (s * s));
    }
    // The r = 0 sample has zero weight in the Hankel form; at rho = 0 that is the whole integral's edge, fine at h = b/10.
    rho.push(p); value.push((acc * h) / (s * s));
  }
  return { rho, value };
}

/** Depths of the dips inward of each local maximum beyond half a beam, relative to the lower of the two peaks around it. */
function dips(value: number[], rho: number[], b: number): number[] {
  const out: number[] = [];
  // Inward of the first ring, the centre is a peak when the profile falls away from it (an inner disk), else
  // there is none (a cavity) and the dip is measured against the ring alone.
  const centrePeak = value[0]! >= value[1]! ? value[0]! : Infinity;
  let prevPeak = -1, lowest = value[0]!, lowestSincePeak = Infinity;
  for (let i = 1; i < value.length - 1; i++) {
    lowestSincePeak = Math.min(lowestSincePeak, value[i]!);
    lowest = Math.min(lowest, value[i]!);
    if (!(value[i]! > value[i - 1]! && value[i]! >= value[i + 1]!) || rho[i]! < 0.5 * b) continue;
    const inwardPeak = prevPeak >= 0 ? value[prevPeak]! : centrePeak;
    const floor = prevPeak >= 0 ? lowestSincePeak : lowest;
    const ref = Math.min(value[i]!, inwardPeak);
    out.push(ref > 0 ? Math.max(0, 1 - floor / ref) : 0);
    prevPeak = i; lowestSincePeak = Infinity;
  }
  return out;
}

/**
 * Is the class visible in the beam-convolved radial profile (major axis, beam FWHM b)?
 *   ring, crescent: one ring whose cavity dips >= 30%, no second ring dipping >= 15%;
 *   multi-ring: >= 2 rings each dipping >= 15%;
 *   smooth: no dip of 5% or more (a shallow gap must not turn into a ring).
 */
export function radialCheck(o: SurveyDiskParams, b: number): { ok: boolean; contrast: number } {
  if (o.className === 'spiral' || o.className === 'binary') return { ok: true, contrast: NaN };
  const rMax = Math.max(...o.rings.map((r) => r.radius + 3 * r.sigmaOut), ...o.gaps.map((g) => g.radius + 3 * g.sigma), o.profile.rc * 2, 2 * b);
  const { rho, value } = convolvedRadialProfile(o, b, rMax);
  const d = dips(value, rho, b);
  const strong = (t: number) => d.filter((x) => x >= t);
  switch (o.className) {
    case 'smooth': {
      const worst = Math.max(0, ...d);
      return { ok: worst < 0.05, contrast: worst };
    }
    case 'ring':
    case 'crescent': {
      const best = Math.max(0, ...d);
      return { ok: best >= 0.3 && strong(0.15).length === 1, contrast: best };
    }
    case 'multi-ring': {
      const top = [...d].sort((x, y) => y - x);
      return { ok: strong(0.15).length >= 2, contrast: top[1] ?? 0 };
    }
  }
}

function ringValue(ring: RingFeature, r: number): number {
  const d = r - ring.radius;
  const s = d < 0 ? ring.sigmaIn : ring.sigmaOut;
  return ring.amplitude * Math.exp(-0.5 * (d / s) ** 2);
}

/** The face-on brightness of a single-centred object (every class but binary), un-normalised. */
export function diskBrightness(o: SurveyDiskParams): Brightness {
  const { disk, inner, rings } = radialParts(o);
  const m = o.modulation;
  const modulation = (phi: number): number => 1 + m.m1 * Math.cos(phi - m.phase1) + m.m2 * Math.cos(2 * (phi - m.phase2));
  if (o.crescent) {
    const c = o.crescent, floor = 1 / c.contrast, a = (c.contrast - 1) / (c.contrast + 1);
    const azimuthal = c.shape === 'horseshoe'
      ? (phi: number) => floor + (1 - floor) * Math.exp(-0.5 * (wrapPi(phi - c.azimuth) / c.width) ** 2)
      : (phi: number) => (1 + a * Math.cos(phi - c.azimuth)) / (1 + a);
    return (r, phi) => rings(r) * azimuthal(phi) + inner(r) + disk(r);
  }
  if (o.spiral) {
    const s = o.spiral, tanP = Math.tan((s.pitch * Math.PI) / 180);
    return (r, phi) => {
      const base = disk(r);
      if (r <= 0) return base;
      // Azimuth of arm 0 at this radius; the second arm is pi away.
      const u = phi - s.phase - (s.handedness * Math.log(r / s.rIn)) / tanP;
      const d0 = wrapPi(u), d1 = wrapPi(u - Math.PI);
      const arms = Math.exp(-0.5 * (d0 / s.width) ** 2) + s.armRatio * Math.exp(-0.5 * (d1 / s.width) ** 2);
      const window = 1 - Math.exp(-((r / s.rIn) ** 3));
      return base * (1 + s.contrast * window * arms);
    };
  }
  return (r, phi) => rings(r) * modulation(phi) + inner(r) + disk(r);
}

/** A component on the grid; `extent` (disk-plane pixels) bounds its emission, `azimuthal` whether it depends on phi. */
interface PlacedComponent { proj: Projection; brightness: Brightness; weight: number; extent: number; azimuthal: boolean }

/** Components on the padded grid (centre of the field at (W-1)/2 + margin). */
function placedComponents(o: SurveyDiskParams, f: SurveyFrame, margin: number): PlacedComponent[] {
  const cx = (f.width - 1) / 2 + margin + f.offsetX, cy = (f.height - 1) / 2 + margin + f.offsetY;
  // Beyond 3 R every profile has fallen below 1e-6 of its peak (R holds 90% of a smooth disk's flux; rings end at R).
  const azimuthal = o.crescent !== null || o.spiral !== null || o.modulation.m1 !== 0 || o.modulation.m2 !== 0;
  if (!o.binary) return [{ proj: projection(cx, cy, f.inclination, f.positionAngle), brightness: diskBrightness(o), weight: 1, extent: 3 * f.radius, azimuthal }];
  const bin = o.binary, ang = (bin.angle * Math.PI) / 180;
  // Separation direction east of north: east is -x.
  const ux = -Math.sin(ang), uy = Math.cos(ang);
  const [c1, c2] = bin.components;
  // Flux-weighted centre at the object centre: primary at -s f2, secondary at +s f1.
  const pos = [-bin.separation * c2.fluxFraction, bin.separation * c1.fluxFraction];
  return bin.components.map((c, k) => {
    const { flux } = profileMoments(c.profile);
    const proj = projection(cx + pos[k]! * ux, cy + pos[k]! * uy, c.inclination, c.positionAngle);
    // Weight so each component carries its flux fraction: sky flux of a profile is cos(i) times its face-on flux.
    return { proj, brightness: (r: number) => profileValue(c.profile, r), weight: c.fluxFraction / (flux * proj.cosInc), extent: 3 * c.radius, azimuthal: false };
  });
}

/** Rendered image in Jy/beam: [W, H] FITS order, NaN outside the primary-beam circle where masked. */
export interface RenderedSurveyImage {
  data: Float32Array;
  shape: number[];
  cards: Record<string, string | number | boolean>;
  /** Peak of the noise-free image and the noise rms added (before primary-beam correction). */
  peak: number;
  noiseRms: number;
}

/** Sky model on a grid padded by `margin`, normalised to sum 1 (per pixel, supersampled). */
export function diskModel(o: SurveyDiskParams, f: SurveyFrame, margin: number): Float32Array {
  const PW = f.width + 2 * margin, PH = f.height + 2 * margin;
  const comps = placedComponents(o, f, margin);
  const ss = supersampling(f.beamMinor), sub = 1 / ss;
  const model = new Float32Array(PW * PH);
  let total = 0;
  // A pixel further than a component's extent (plus a pixel, deprojected) from its centre gets nothing from it.
  const reach = comps.map((c) => c.extent + 1 / c.proj.cosInc);
  for (let py = 0; py < PH; py++) {
    for (let px = 0; px < PW; px++) {
      let v = 0;
      for (let k = 0; k < comps.length; k++) {
        const c = comps[k]!;
        const [a0, c0] = deproject(c.proj, px, py);
        if (a0 * a0 + c0 * c0 > reach[k]! * reach[k]!) continue;
        for (let sy = 0; sy < ss; sy++) {
          const y = py + (sy + 0.5) * sub - 0.5;
          for (let sx = 0; sx < ss; sx++) {
            const x = px + (sx + 0.5) * sub - 0.5;
            const [along, across] = deproject(c.proj, x, y);
            const r = Math.hypot(along, across);
            if (r > c.extent) continue;
            const b = c.brightness(r, c.azimuthal ? Math.atan2(across, along) : 0);
            if (b > 0) v += c.weight * b;
          }
        }
      }
      model[py * PW + px] = v;
      total += v;
    }
  }
  if (total > 0) for (let i = 0; i < model.length; i++) model[i]! /= total;
  return model;
}

export function renderSurveyDisk(o: SurveyDiskParams, f: SurveyFrame, object = 'survey disk'): RenderedSurveyImage {
  const beam = frameBeam(f);
  const margin = beamKernel(beam).radius + 1;
  const W = f.width, H = f.height, PW = W + 2 * margin;
  const model = diskModel(o, f, margin);
  const conv = convolveBeamInterior(model, PW, H + 2 * margin, beam);
  // Model pixels sum to 1: times the flux is Jy/pixel, times the beam area Jy/beam.
  const scale = f.flux * beamAreaPixels(beam);
  const data = new Float32Array(W * H);
  let peak = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = conv[(y + margin) * PW + x + margin]! * scale;
      data[y * W + x] = v;
      if (v > peak) peak = v;
    }
  }
  const noiseRms = peak / f.snr;
  addNoise(data, f, 1, noiseRms);
  const cards = { ...celestialCards(f, object), NOISERMS: noiseRms };
  return { data, shape: [W, H], cards, peak, noiseRms };
}
