// The hand-made part of an embedding: what an astronomer measures on a deprojected source before any
// learning. Images: the radial profile with its azimuthal modes, and the radial structure (how many
// rings, how deep the gaps) whatever radius it sits at. Cubes: the same per channel at a few radii,
// and the line's shape there, which is what tells infall from a static cloud when their moment-0
// maps look alike. Each block is returned apart so that the embedding can weigh blocks alike.
import { azimuthalModes, polarProfile, profileOf, PROFILE_MODES, toPolar, type AzimuthalModes } from './polar.ts';
import type { ImageSample } from './sample.ts';

/** Which descriptor an embedding ends with; 'radial' is the profile alone (runs made before 'morphology'). */
export type DescriptorKind = 'radial' | 'morphology';
/**
 * Version of the images' 'morphology' descriptor. 1: the profile with its modes, and the radial
 * structure, as two blocks. 2: the profile, its modes, the structure's spectrum, the ring peaks
 * (square-rooted prominences and their count) and the winding of m = 2, each a block with its weight.
 */
export type DescriptorVersion = 1 | 2;
/** One block of the descriptor, with its weight relative to the network's part. */
export interface DescriptorBlock { values: Float32Array; weight: number }

/** Frequencies of the high-passed radial profile kept in the structure block (half-cycles over the radius). */
export const STRUCTURE_FREQUENCIES = 16;
/** Strongest radial peaks kept, by prominence (no survey class has more than three rings). */
export const STRUCTURE_PEAKS = 4;
/** A radial peak this prominent (a fraction of the profile's peak) counts as a ring in version 2. */
export const RING_PROMINENCE = 0.03;
/** Radial lags, as fractions of the radius, over which version 2 measures how m = 2 winds. */
export const WINDING_LAGS = [1 / 12, 1 / 6] as const;
/** Radius bands of the spectral blocks. */
export const SPECTRAL_BANDS = 4;
/** Azimuthal modes per channel in the spectral block: m = 1 (a velocity gradient across the source) and 2. */
export const SPECTRAL_MODES = 2;

/**
 * Weights of version 2's image blocks, relative to the network's part (each block is first scaled to
 * weigh as much as the network's part whatever its length). Tuned on the survey benchmark's seeds
 * 101 and 202 (bench/combine-exp.ts on kept runs), kNN / P@10 against version 1's blocks alike:
 * 87.5 / 78.9 -> 90.0 / 84.8 and 85.3 / 76.8 -> 87.7 / 81.9 (mean of 3 training seeds). Splitting the
 * ring peaks from the structure's spectrum did most (multi-ring 60 -> 76 % on 101); the winding
 * of m = 2 tells spiral arms from the elongation an imperfect deprojection leaves.
 */
const IMAGE_WEIGHTS = { profile: 0.7, modes: 1.4, structure: 0.5, peaks: 1.4, winding: 0.5 } as const;

/**
 * The descriptor's blocks for a working image (cartesian, framed; `alreadyPolar`: on polar axes
 * already, deprojected), each with its weight relative to the network's part. Version 1 was chosen
 * on the survey benchmark's tuning seed 101, descriptor alone, kNN: disks 81.9 % (profile) -> 87.9 %
 * (+ structure; multi-ring 39 -> 69 %); cubes 64.8 % (profile, channels summed) -> 87.9 % (spectral
 * blocks instead; infall 32 -> 77 %). Adding the summed profile to the cubes' blocks lowered it
 * (85.2 %), so cubes have the spectral blocks alone, in either version.
 */
export function descriptorBlocks(sample: ImageSample, kind: DescriptorKind, alreadyPolar = false, version: DescriptorVersion = 2): DescriptorBlock[] {
  const p = alreadyPolar ? sample : toPolar(sample, true);
  const alike = (blocks: Float32Array[]) => blocks.map((values) => ({ values, weight: 1 }));
  if (kind === 'radial') return alike([polarProfile(p, true)]);
  if (p.channels !== 1) return alike([spectralProfile(p), spectralShape(p)]);
  if (version === 1) return alike([polarProfile(p, true), radialStructure(p)]);
  const modes = azimuthalModes(p), profile = profileOf(modes), S = p.width, structure = radialStructure(p);
  const w = IMAGE_WEIGHTS;
  return [
    { values: profile.subarray(0, S), weight: w.profile },
    { values: profile.subarray(S), weight: w.modes },
    { values: structure.subarray(0, STRUCTURE_FREQUENCIES), weight: w.structure },
    { values: ringPeaks(structure.subarray(STRUCTURE_FREQUENCIES)), weight: w.peaks },
    { values: windingOf(modes, 2), weight: w.winding },
  ];
}

/**
 * Ring peaks as version 2 keeps them: the prominences square-rooted, so that a faint outer ring
 * counts beside a bright inner one, and how many stand above RING_PROMINENCE (one ring, or two or three).
 */
function ringPeaks(prominences: Float32Array): Float32Array {
  const out = new Float32Array(prominences.length + 1);
  prominences.forEach((x, i) => { out[i] = Math.sqrt(Math.max(0, x)); });
  out[prominences.length] = prominences.filter((x) => x > RING_PROMINENCE).length;
  return out;
}

/**
 * How azimuthal mode m (1..PROFILE_MODES) turns with radius: for each lag in WINDING_LAGS, the brightness-weighted mean
 * of exp(i * phase change) between radii that far apart, as |sin| and cos. Spiral arms wind (large
 * |sin|, either handedness); the elongation left by an imperfect deprojection, or a lopsided ring, keeps
 * its phase (cos near 1); an m = 2 pattern that flips between radii gives a negative cos.
 */
export function winding(p: ImageSample, m: number): Float32Array {
  return windingOf(azimuthalModes(p), m);
}

function windingOf(modes: AzimuthalModes, m: number): Float32Array {
  const S = modes.mean.length, M = PROFILE_MODES;
  const re = (r: number) => modes.re[r * M + m - 1]!, im = (r: number) => modes.im[r * M + m - 1]!;
  const out = new Float32Array(2 * WINDING_LAGS.length);
  WINDING_LAGS.forEach((fraction, k) => {
    const lag = Math.max(1, Math.round(fraction * S));
    let cr = 0, ci = 0, norm = 0;
    for (let r = 0; r + lag < S; r++) {
      // z(r + lag) * conj(z(r))
      cr += re(r + lag) * re(r) + im(r + lag) * im(r);
      ci += im(r + lag) * re(r) - re(r + lag) * im(r);
      norm += Math.hypot(re(r + lag), im(r + lag)) * Math.hypot(re(r), im(r));
    }
    norm += 1e-12;
    out[2 * k] = Math.abs(ci) / norm;
    out[2 * k + 1] = cr / norm;
  });
  return out;
}

/** Mean brightness per radius (rows of a polar image), channels summed. */
function radialMean(p: ImageSample): Float64Array {
  const S = p.width, C = p.channels, out = new Float64Array(S);
  for (let r = 0; r < S; r++) {
    let m = 0;
    for (let i = r * S * C; i < (r + 1) * S * C; i++) m += p.data[i]!;
    out[r] = m / S;
  }
  return out;
}

/**
 * Radial structure that does not move with radius: the amplitude spectrum of the radial profile
 * less its running mean over 9 rows (rings and gaps as oscillations, a smooth taper nearly nothing),
 * and the prominences of its strongest peaks, largest first (one ring, two or three, or none).
 */
export function radialStructure(p: ImageSample): Float32Array {
  const f = radialMean(p), S = f.length;
  let peak = 1e-9;
  for (const x of f) peak = Math.max(peak, x);
  const g = f.map((x) => x / peak);
  const h = g.map((_, i) => {
    let s = 0, n = 0;
    for (let j = Math.max(0, i - 4); j <= Math.min(S - 1, i + 4); j++) { s += g[j]!; n++; }
    return g[i]! - s / n;
  });
  const out = new Float32Array(STRUCTURE_FREQUENCIES + STRUCTURE_PEAKS);
  for (let k = 1; k <= STRUCTURE_FREQUENCIES; k++) {
    let re = 0, im = 0;
    for (let i = 0; i < S; i++) {
      const a = (Math.PI * k * i) / S;
      re += h[i]! * Math.cos(a); im += h[i]! * Math.sin(a);
    }
    out[k - 1] = Math.hypot(re, im) / S;
  }
  const prominences: number[] = [];
  for (let i = 1; i < S - 1; i++) {
    if (!(g[i]! >= g[i - 1]! && g[i]! > g[i + 1]!)) continue;
    let left = g[i]!, right = g[i]!;
    for (let j = i; j >= 0 && g[j]! <= g[i]!; j--) left = Math.min(left, g[j]!);
    for (let j = i; j < S && g[j]! <= g[i]!; j++) right = Math.min(right, g[j]!);
    prominences.push(g[i]! - Math.max(left, right));
  }
  prominences.sort((a, b) => b - a);
  for (let k = 0; k < STRUCTURE_PEAKS; k++) out[STRUCTURE_FREQUENCIES + k] = prominences[k] ?? 0;
  return out;
}

/**
 * Per channel, in SPECTRAL_BANDS radius bands: the mean and the amplitudes of azimuthal modes
 * m = 1..SPECTRAL_MODES. A rotating disk or an outflow is red on one side and blue on the other
 * (m = 1 in the line wings); infall and a static cloud are not.
 */
export function spectralProfile(p: ImageSample): Float32Array {
  const S = p.width, C = p.channels, M = SPECTRAL_MODES, per = S / SPECTRAL_BANDS;
  const out = new Float32Array(SPECTRAL_BANDS * C * (1 + M));
  const re = new Float64Array(M), im = new Float64Array(M);
  for (let b = 0; b < SPECTRAL_BANDS; b++) {
    const r0 = Math.floor(b * per), r1 = Math.floor((b + 1) * per), n = (r1 - r0) * S;
    for (let k = 0; k < C; k++) {
      let mean = 0;
      re.fill(0); im.fill(0);
      for (let r = r0; r < r1; r++) for (let col = 0; col < S; col++) {
        const v = p.data[(r * S + col) * C + k]!;
        mean += v;
        for (let m = 1; m <= M; m++) {
          const a = (2 * Math.PI * m * col) / S;
          re[m - 1]! += v * Math.cos(a); im[m - 1]! += v * Math.sin(a);
        }
      }
      const o = (b * C + k) * (1 + M);
      out[o] = mean / n;
      for (let m = 0; m < M; m++) out[o + 1 + m] = Math.hypot(re[m]!, im[m]!) / n;
    }
  }
  return out;
}

/**
 * The line's shape in each radius band: the band's mean spectrum over its total, so a faint and a
 * bright source with the same profile (a blue-skewed double peak, one line) match.
 */
export function spectralShape(p: ImageSample): Float32Array {
  const S = p.width, C = p.channels, per = S / SPECTRAL_BANDS;
  const out = new Float32Array(SPECTRAL_BANDS * C);
  for (let b = 0; b < SPECTRAL_BANDS; b++) {
    const r0 = Math.floor(b * per), r1 = Math.floor((b + 1) * per);
    for (let r = r0; r < r1; r++) for (let col = 0; col < S; col++) for (let k = 0; k < C; k++) out[b * C + k]! += p.data[(r * S + col) * C + k]!;
    let total = 0;
    for (let k = 0; k < C; k++) total += Math.abs(out[b * C + k]!);
    if (total > 0) for (let k = 0; k < C; k++) out[b * C + k]! /= total;
  }
  return out;
}
