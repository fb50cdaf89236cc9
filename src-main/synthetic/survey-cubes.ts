// Spectral line cubes whose class is kinematic only. Every class shares one spatial model, a
// centrally concentrated (optionally clumpy) blob with the same size, shape, flux and noise
// distributions, and each pixel's line profile is normalised to unit integral, so the channel-summed
// (moment-0) maps of all classes are drawn from the same distribution: only the spectra tell apart
//   keplerian: a thin disk in Keplerian rotation at 15-75 deg (butterfly channel maps),
//   infall:    optically thick collapse: blue-skewed double-peaked lines (a cold infalling
//              foreground absorbs the red side of the warm emission; dip near systemic),
//   outflow:   bipolar Hubble-law lobes, v proportional to distance along the axis (red one side, blue the other),
//   static:    clumpy gas with one Gaussian line at the systemic velocity everywhere.
// The band is fitted to each cube's line extent (so no class fills it differently by construction),
// the line sits up to a channel off the band centre, and the spectral axis is VRAD (m/s) or FREQ
// (Hz, with RESTFRQ) running either way. Noise is set by the peak SNR of the channel-summed map.
import { Rng } from '../base/random.ts';
import { beamAreaPixels, beamKernel, convolveBeamInterior } from './beam.ts';
import {
  addNoise, celestialCards, deproject, frameBeam, projection, supersampling, type SurveyFrame, type SurveyRanges,
} from './survey-common.ts';
import { profileValue, sampleProfile, type RadialProfile } from './survey-disks.ts';

export const SURVEY_CUBE_CLASSES = ['keplerian', 'infall', 'outflow', 'static'] as const;
export type SurveyCubeClass = (typeof SURVEY_CUBE_CLASSES)[number];

/** Rest frequencies (Hz) of lines ALMA cubes are commonly made of. */
export const SURVEY_LINES: Readonly<Record<string, number>> = {
  'CO 2-1': 230.538e9, '13CO 2-1': 220.3986842e9, 'C18O 2-1': 219.5603541e9, 'CO 3-2': 345.7959899e9,
  'HCO+ 3-2': 267.5576259e9, 'HCO+ 4-3': 356.734223e9, 'CS 5-4': 244.9355565e9, 'N2H+ 3-2': 279.5117491e9,
};
export const SPEED_OF_LIGHT_KMS = 299792.458;

export interface Clump { along: number; across: number; sigma: number; amplitude: number }

export interface SurveyCubeParams {
  className: SurveyCubeClass;
  /** Blob profile (90% of the flux within the frame's radius) and clumps in the projected plane (pixels). */
  profile: RadialProfile;
  clumps: Clump[];
  /** Peak of the profile used to scale clump amplitudes (the profile half a beam out). */
  profileRef: number;
  /** +1 or -1: sense of rotation or which lobe is red. */
  sense: 1 | -1;
  /** km/s: Keplerian speed at R (keplerian), lobe speed at R (outflow), 0 otherwise. */
  velocityScale: number;
  /** km/s: local line dispersion; for infall the emission dispersion at large radii. */
  lineWidth: number;
  /** Infall: absorber dispersion (fraction of the emission's), optical depth and red shift (fraction of the emission's dispersion). */
  infall: { absorberWidth: number; tau: number; shift: number } | null;
  /** Systemic velocity (LSRK, km/s) and the line. */
  vsys: number;
  line: string;
  restFrequency: number;
  channels: number;
  /** Channel width, km/s (positive); velocity of channel k is bandCentre + direction * (k - (N-1)/2) * channelWidth. */
  channelWidth: number;
  bandCentre: number;
  direction: 1 | -1;
  /** Line centre minus band centre, in channels (|.| <= 1). */
  lineOffset: number;
  /** Velocity half-extent (km/s) holding 99% of the line flux; the band is a bit wider. */
  extent: number;
  specType: 'VRAD' | 'FREQ';
  /** 1-based reference channel of the spectral WCS. */
  crpix3: number;
}

const DEG = Math.PI / 180;

/** Infall emission dispersion and absorber parameters at projected radius rho (radial profile of the collapse). */
function infallAt(p: SurveyCubeParams, rho: number, R: number): { se: number; sa: number; tau: number; va: number } {
  const core = Math.exp(-0.5 * (rho / (0.35 * R)) ** 2);
  const se = p.lineWidth * (1 + 0.5 * core);                 // faster infall, broader line, towards the centre
  const tau = p.infall!.tau * (0.5 + 0.5 * Math.exp(-0.5 * (rho / (0.6 * R)) ** 2));
  return { se, sa: p.infall!.absorberWidth * se, tau, va: p.infall!.shift * se * (0.6 + 0.4 * core) };
}

function infallProfile(v: number, q: { se: number; sa: number; tau: number; va: number }): number {
  return Math.exp(-0.5 * (v / q.se) ** 2) * Math.exp(-q.tau * Math.exp(-0.5 * ((v - q.va) / q.sa) ** 2));
}

/** Blob brightness at projected-plane coordinates (along the major axis, deprojected across), un-normalised. */
function blobValue(p: SurveyCubeParams, along: number, across: number): number {
  let v = profileValue(p.profile, Math.hypot(along, across)) / p.profileRef;
  for (const c of p.clumps) v += c.amplitude * Math.exp(-0.5 * ((along - c.along) ** 2 + (across - c.across) ** 2) / (c.sigma * c.sigma));
  return v;
}

/** Line-of-sight velocity relative to systemic (km/s) of a Gaussian-line class at a projected-plane position. */
function centroidVelocity(p: SurveyCubeParams, along: number, across: number, f: SurveyFrame): number {
  if (p.className === 'keplerian') {
    const r = Math.max(Math.hypot(along, across), 0.2 * f.beamMinor);
    return p.sense * p.velocityScale * Math.sqrt(f.radius / r) * Math.sin(f.inclination * DEG) * (along / r);
  }
  if (p.className === 'outflow') return p.sense * p.velocityScale * (along / f.radius);
  return 0;
}

/** Half-width (km/s) holding 99% of the line flux: weighted quantile over a coarse grid of the blob. */
function lineExtent(p: SurveyCubeParams, f: SurveyFrame): number {
  const R = f.radius, n = 64, span = 2.5 * R, cosI = Math.cos(f.inclination * DEG);
  const samples: [number, number][] = [];
  let total = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const along = ((i + 0.5) / n - 0.5) * 2 * span, across = ((j + 0.5) / n - 0.5) * 2 * span;
      const w = blobValue(p, along, across) * cosI; // sky area of a projected-plane cell
      if (!(w > 0)) continue;
      let e: number;
      if (p.className === 'infall') e = 2.6 * infallAt(p, Math.hypot(along, across), R).se;
      else e = Math.abs(centroidVelocity(p, along, across, f)) + 2.6 * p.lineWidth;
      samples.push([e, w]);
      total += w;
    }
  }
  samples.sort((a, b) => a[0] - b[0]);
  let acc = 0;
  for (const [e, w] of samples) { acc += w; if (acc >= 0.99 * total) return e; }
  return samples.at(-1)![0];
}

export function sampleCubeParams(rng: Rng, className: SurveyCubeClass, f: SurveyFrame, ranges: SurveyRanges): SurveyCubeParams {
  const R = f.radius, b = f.beamMajor;
  const profile = sampleProfile(rng, R);
  const profileRef = profileValue(profile, 0.5 * b);
  // Clumps (every class alike): 0-5 bumps of 0.4-1 beam, as bright as 0.3-1.2 times the blob where they sit.
  const clumps: Clump[] = [];
  const nClumps = rng.int(6);
  for (let k = 0; k < nClumps; k++) {
    const r = Math.min(0.9 * R, Math.abs(rng.normal()) * 0.45 * R), a = rng.uniform(0, 2 * Math.PI);
    const along = r * Math.cos(a), across = r * Math.sin(a);
    clumps.push({ along, across, sigma: rng.uniform(0.4, 1) * b, amplitude: rng.uniform(0.3, 1.2) * profileValue(profile, r) / profileRef });
  }
  const sense: 1 | -1 = rng.next() < 0.5 ? 1 : -1;
  let velocityScale = 0, lineWidth: number, infall: SurveyCubeParams['infall'] = null;
  switch (className) {
    case 'keplerian': velocityScale = rng.uniform(0.8, 3); lineWidth = rng.uniform(0.1, 0.3); break;
    case 'outflow': velocityScale = rng.uniform(1, 6); lineWidth = rng.uniform(0.2, 0.6); break;
    case 'infall':
      lineWidth = rng.uniform(0.4, 1.2);
      infall = { absorberWidth: rng.uniform(0.35, 0.6), tau: rng.uniform(1.5, 5), shift: rng.uniform(0.2, 0.4) };
      break;
    case 'static': lineWidth = rng.uniform(0.3, 1.2); break;
  }
  const lines = Object.keys(SURVEY_LINES);
  const line = lines[rng.int(lines.length)]!;
  const channels = ranges.channels[0] + rng.int(ranges.channels[1] - ranges.channels[0] + 1);
  const p: SurveyCubeParams = {
    className, profile, clumps, profileRef, sense, velocityScale, lineWidth, infall,
    vsys: rng.uniform(-10, 20), line, restFrequency: SURVEY_LINES[line]!, channels,
    channelWidth: 0, bandCentre: 0, direction: rng.next() < 0.5 ? 1 : -1, lineOffset: rng.uniform(-1, 1), extent: 0,
    specType: rng.next() < 0.5 ? 'VRAD' : 'FREQ', crpix3: 1,
  };
  p.crpix3 = rng.next() < 0.5 ? 1 : 1 + rng.int(channels);
  p.extent = lineExtent(p, f);
  const half = p.extent * rng.uniform(1.05, 1.35);
  // The line centre sits lineOffset channels off the band centre; the band still covers the extent.
  p.channelWidth = (2 * half) / (channels - 2 * Math.abs(p.lineOffset));
  p.bandCentre = p.vsys - p.lineOffset * p.channelWidth;
  return p;
}

/** Channel velocities (km/s, LSRK), in channel order. */
export function channelVelocities(p: SurveyCubeParams): number[] {
  return Array.from({ length: p.channels }, (_, k) => p.bandCentre + p.direction * (k - (p.channels - 1) / 2) * p.channelWidth);
}

/** Spectral WCS cards: VRAD in m/s or FREQ in Hz (radio convention), either direction, RESTFRQ and SPECSYS. */
export function spectralCards(p: SurveyCubeParams): Record<string, string | number> {
  const v = channelVelocities(p);
  const ref = p.crpix3 - 1;
  const vRef = v[ref]!, dv = p.direction * p.channelWidth;
  const common = { RESTFRQ: p.restFrequency, SPECSYS: 'LSRK', VELREF: 257 };
  if (p.specType === 'VRAD') return { CTYPE3: 'VRAD', CUNIT3: 'm/s', CRVAL3: vRef * 1000, CDELT3: dv * 1000, CRPIX3: p.crpix3, ...common };
  const f0 = p.restFrequency;
  return { CTYPE3: 'FREQ', CUNIT3: 'Hz', CRVAL3: f0 * (1 - vRef / SPEED_OF_LIGHT_KMS), CDELT3: (-f0 * dv) / SPEED_OF_LIGHT_KMS, CRPIX3: p.crpix3, ...common };
}

/** Normal CDF by table lookup (the channel integral of a Gaussian line is a difference of two). */
const CDF_STEPS = 4096, CDF_LIM = 8;
const CDF = (() => {
  const t = new Float64Array(CDF_STEPS + 1);
  // Integrate the density with the trapezoid rule; exact enough at this step (0.004 sigma).
  const h = (2 * CDF_LIM) / CDF_STEPS;
  let acc = 0, prev = Math.exp(-0.5 * CDF_LIM * CDF_LIM);
  for (let i = 1; i <= CDF_STEPS; i++) {
    const x = -CDF_LIM + i * h, d = Math.exp(-0.5 * x * x);
    acc += 0.5 * (prev + d) * h;
    t[i] = acc;
    prev = d;
  }
  for (let i = 0; i <= CDF_STEPS; i++) t[i]! /= acc;
  return t;
})();
function normalCdf(x: number): number {
  if (x <= -CDF_LIM) return 0;
  if (x >= CDF_LIM) return 1;
  const u = ((x + CDF_LIM) / (2 * CDF_LIM)) * CDF_STEPS, i = Math.floor(u), t = u - i;
  return CDF[i]! * (1 - t) + CDF[i + 1]! * t;
}

/** Model cube on the padded grid, [k][PH][PW], each pixel's channel values sum (times dv) to its share of 1. */
export function cubeModel(p: SurveyCubeParams, f: SurveyFrame, margin: number): Float32Array {
  const W = f.width, H = f.height, PW = W + 2 * margin, PH = H + 2 * margin, N = p.channels, plane = PW * PH;
  const proj = projection((W - 1) / 2 + margin + f.offsetX, (H - 1) / 2 + margin + f.offsetY, f.inclination, f.positionAngle);
  const v = channelVelocities(p).map((x) => x - p.vsys);
  const dv = p.channelWidth;
  const lo = v.map((x) => x - dv / 2), hi = v.map((x) => x + dv / 2);
  const model = new Float32Array(plane * N);
  // Per-channel weights of one unit of flux: Gaussian at mu (erf differences), or tabulated infall profiles.
  const gaussianWeights = (mu: number, s: number, out: Float64Array): void => {
    for (let k = 0; k < N; k++) out[k] = (normalCdf((hi[k]! - mu) / s) - normalCdf((lo[k]! - mu) / s)) / dv;
  };
  let infallTable: Float64Array | null = null;
  const RB = 64, rhoMax = 3 * f.radius;
  if (p.className === 'infall') {
    infallTable = new Float64Array((RB + 1) * N);
    const SUB = 24;
    for (let b = 0; b <= RB; b++) {
      const q = infallAt(p, (b / RB) * rhoMax, f.radius);
      // Normalise over the whole line, not just the band: flux outside the band is lost, as for the other classes.
      let norm = 0;
      const step = q.se / 20;
      for (let x = -8 * q.se; x <= 8 * q.se; x += step) norm += infallProfile(x, q) * step;
      for (let k = 0; k < N; k++) {
        let s = 0;
        for (let t = 0; t < SUB; t++) s += infallProfile(lo[k]! + ((t + 0.5) / SUB) * dv, q);
        infallTable[b * N + k] = s / SUB / norm; // mean profile over the channel = its integral / dv
      }
    }
  }
  const staticWeights = new Float64Array(N);
  if (p.className === 'static') gaussianWeights(0, p.lineWidth, staticWeights);
  const w = new Float64Array(N);
  const ss = supersampling(f.beamMinor), sub = 1 / ss;
  // Beyond 3 R the blob has fallen below 1e-6 of its peak (clumps sit within R), for every class alike.
  const extent = 3 * f.radius, reach = extent + 1 / proj.cosInc;
  let total = 0;
  for (let py = 0; py < PH; py++) {
    for (let px = 0; px < PW; px++) {
      const [a0, c0] = deproject(proj, px, py);
      if (a0 * a0 + c0 * c0 > reach * reach) continue;
      for (let sy = 0; sy < ss; sy++) {
        const y = py + (sy + 0.5) * sub - 0.5;
        for (let sx = 0; sx < ss; sx++) {
          const x = px + (sx + 0.5) * sub - 0.5;
          const [along, across] = deproject(proj, x, y);
          if (along * along + across * across > extent * extent) continue;
          const bright = blobValue(p, along, across);
          if (!(bright > 1e-9)) continue;
          total += bright;
          const o = py * PW + px;
          if (p.className === 'static') {
            for (let k = 0; k < N; k++) model[k * plane + o]! += bright * staticWeights[k]!;
          } else if (infallTable) {
            const u = Math.min(RB, (Math.hypot(along, across) / rhoMax) * RB), i0 = Math.min(RB - 1, Math.floor(u)), t = u - i0;
            for (let k = 0; k < N; k++) model[k * plane + o]! += bright * (infallTable[i0 * N + k]! * (1 - t) + infallTable[(i0 + 1) * N + k]! * t);
          } else {
            gaussianWeights(centroidVelocity(p, along, across, f), p.lineWidth, w);
            for (let k = 0; k < N; k++) { const c = w[k]!; if (c > 0) model[k * plane + o]! += bright * c; }
          }
        }
      }
    }
  }
  if (total > 0) for (let i = 0; i < model.length; i++) model[i]! /= total;
  return model;
}

export interface RenderedSurveyCube {
  /** Jy/beam, FITS order [W, H, N] (NAXIS1 fastest). */
  data: Float32Array;
  shape: number[];
  cards: Record<string, string | number | boolean>;
  /** Peak of the noise-free channel-summed map (Jy/beam km/s) and of any channel (Jy/beam). */
  peakMoment0: number;
  peakChannel: number;
  /** Noise rms per channel (Jy/beam). */
  noiseRms: number;
}

export function renderSurveyCube(p: SurveyCubeParams, f: SurveyFrame, object = 'survey cube'): RenderedSurveyCube {
  const beam = frameBeam(f);
  const margin = beamKernel(beam).radius + 1;
  const W = f.width, H = f.height, PW = W + 2 * margin, PH = H + 2 * margin, N = p.channels;
  const model = cubeModel(p, f, margin);
  const scale = f.flux * beamAreaPixels(beam);
  const data = new Float32Array(W * H * N);
  const m0 = new Float64Array(W * H);
  let peakChannel = 0;
  for (let k = 0; k < N; k++) {
    const conv = convolveBeamInterior(model.subarray(k * PW * PH, (k + 1) * PW * PH), PW, PH, beam);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const val = conv[(y + margin) * PW + x + margin]! * scale;
        data[(k * H + y) * W + x] = val;
        m0[y * W + x]! += val * p.channelWidth;
        if (val > peakChannel) peakChannel = val;
      }
    }
  }
  let peakMoment0 = 0;
  for (const v of m0) if (v > peakMoment0) peakMoment0 = v;
  // Peak SNR of the channel-summed map: its noise is rms * dv * sqrt(N).
  const noiseRms = peakMoment0 / (f.snr * p.channelWidth * Math.sqrt(N));
  addNoise(data, f, N, noiseRms);
  const cards = { ...celestialCards(f, object), ...spectralCards(p), NOISERMS: noiseRms };
  return { data, shape: [W, H, N], cards, peakMoment0, peakChannel, noiseRms };
}
