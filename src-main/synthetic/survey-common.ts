// What the survey generator shares between continuum disks and line cubes: the ranges every nuisance
// is drawn from (overridable, so a benchmark can train on one range and test on another), the
// observing "frame" of one image (size, beam, object radius and centre, noise, primary-beam mask,
// on-disk format), beam-correlated noise with primary-beam correction, and the FITS writer.
// Lengths are in pixels throughout; the pixel scale in arcsec only sets the header.
import { writeImageFits } from '../fits/index.ts';
import { Rng } from '../base/random.ts';
import { beamKernel, convolveBeamInterior, type Beam } from './beam.ts';
import { quantiseInt16 } from './fits-format.ts';

export type SurveyKind = 'disks' | 'cubes';
export const SURVEY_KINDS: readonly SurveyKind[] = ['disks', 'cubes'];

/** On-disk forms: float32, float64, scaled 16-bit integers with BLANK, CASA/ALMA 4-D [x, y, freq, stokes]. */
export const SURVEY_FORMATS = ['float32', 'float64', 'int16', '4d'] as const;
export type SurveyFormat = (typeof SURVEY_FORMATS)[number];

export type Interval = [number, number];

/** Every range an image's nuisances are drawn from. Lengths in pixels, angles in degrees. */
export interface SurveyRanges {
  /** Side of the image in pixels, log-uniform; both sides of a non-square image stay inside. */
  size: Interval;
  /** Fraction of images that are not square. */
  nonSquare: number;
  /** Height / width of a non-square image (log-uniform). */
  aspect: Interval;
  /** Outer radius of the object as a fraction of the half-field (half the shorter side). */
  radius: Interval;
  /** The outer radius is at least this many beams (major-axis FWHM). */
  minRadiusBeams: number;
  /** Beam FWHM in pixels; both axes stay inside. Major axis log-uniform. */
  beam: Interval;
  /** Minor / major axis of the beam. */
  beamAxisRatio: Interval;
  /** Beam major axis in arcsec (sets the pixel scale in the header only). */
  beamArcsec: Interval;
  /** Inclination in degrees, drawn isotropically (uniform in cos i). */
  inclination: Interval;
  /** Largest centre offset along each axis, as a fraction of that side of the field. */
  offset: number;
  /** Total flux: Jy for disks, Jy km/s (integrated line) for cubes; log-uniform. */
  flux: Interval;
  /** Peak signal-to-noise ratio, log-uniform (cubes: of the channel-summed map). */
  snr: Interval;
  /** Fraction of images blanked (NaN) outside a primary-beam circle, primary-beam corrected inside. */
  pbMask: number;
  /** Fraction of files gzip-compressed. */
  gzip: number;
  /** Relative weights of the on-disk formats. */
  formats: Record<SurveyFormat, number>;
  /** Spectral channels (cubes only). */
  channels: Interval;
}

const COMMON: Omit<SurveyRanges, 'size' | 'inclination' | 'channels' | 'beamArcsec' | 'flux'> = {
  nonSquare: 0.2, aspect: [0.65, 1.5], radius: [0.3, 0.85], minRadiusBeams: 3.5, beam: [2, 6], beamAxisRatio: [0.6, 1],
  offset: 0.1, snr: [8, 300], pbMask: 0.1, gzip: 0.25, formats: { float32: 0.4, float64: 0.15, int16: 0.2, '4d': 0.25 },
};

export const DEFAULT_SURVEY_RANGES: Readonly<Record<SurveyKind, SurveyRanges>> = {
  disks: { ...COMMON, size: [48, 256], inclination: [0, 70], channels: [1, 1], beamArcsec: [0.03, 1], flux: [1e-3, 1] },
  cubes: { ...COMMON, size: [32, 96], inclination: [15, 75], channels: [8, 24], beamArcsec: [0.1, 2], flux: [0.01, 10] },
};

const INTERVAL_KEYS = ['size', 'aspect', 'radius', 'beam', 'beamAxisRatio', 'beamArcsec', 'inclination', 'flux', 'snr', 'channels'] as const;
const FRACTION_KEYS = ['nonSquare', 'offset', 'pbMask', 'gzip'] as const;

/** Overrides of some ranges; `formats` lists the formats to use and their weights (unnamed ones are not used). */
export type SurveyRangeOverrides = Partial<Omit<SurveyRanges, 'formats'>> & { formats?: Partial<Record<SurveyFormat, number>> };

/** Defaults for the kind with the overrides applied; unknown keys and inverted or impossible ranges throw. */
export function resolveSurveyRanges(kind: SurveyKind, overrides: SurveyRangeOverrides = {}): SurveyRanges {
  if (!SURVEY_KINDS.includes(kind)) throw new RangeError(`survey kind must be one of ${SURVEY_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  const base = DEFAULT_SURVEY_RANGES[kind];
  const unknown = Object.keys(overrides).filter((k) => !(k in base));
  if (unknown.length > 0) throw new RangeError(`unknown survey range(s): ${unknown.join(', ')}; known: ${Object.keys(base).join(', ')}`);
  // Formats named in an override replace the mix: { int16: 1 } means int16 only.
  const formats = overrides.formats
    ? Object.fromEntries(SURVEY_FORMATS.map((f) => [f, overrides.formats![f] ?? 0])) as Record<SurveyFormat, number>
    : { ...base.formats };
  const unknownFormats = Object.keys(overrides.formats ?? {}).filter((f) => !(SURVEY_FORMATS as readonly string[]).includes(f));
  if (unknownFormats.length > 0) throw new RangeError(`unknown survey format(s): ${unknownFormats.join(', ')}; known: ${SURVEY_FORMATS.join(', ')}`);
  const r: SurveyRanges = { ...base, ...overrides, formats };
  for (const k of INTERVAL_KEYS) {
    const v = r[k];
    if (!Array.isArray(v) || v.length !== 2 || !v.every(Number.isFinite) || v[0] > v[1]) {
      throw new RangeError(`survey range ${k} must be [lo, hi] with lo <= hi, got ${JSON.stringify(v)}`);
    }
  }
  for (const k of FRACTION_KEYS) if (!(r[k] >= 0 && r[k] <= 1)) throw new RangeError(`survey range ${k} must lie in [0, 1], got ${r[k]}`);
  const positive = ['size', 'aspect', 'radius', 'beam', 'beamAxisRatio', 'beamArcsec', 'flux', 'snr', 'channels'] as const;
  for (const k of positive) if (!(r[k][0] > 0)) throw new RangeError(`survey range ${k} must be positive, got ${JSON.stringify(r[k])}`);
  if (r.inclination[0] < 0 || r.inclination[1] > 90) throw new RangeError(`inclination must lie in [0, 90], got ${JSON.stringify(r.inclination)}`);
  if (r.beamAxisRatio[1] > 1) throw new RangeError(`beamAxisRatio must be <= 1, got ${JSON.stringify(r.beamAxisRatio)}`);
  if (r.size[0] < 16) throw new RangeError(`size must be at least 16 pixels, got ${JSON.stringify(r.size)}`);
  if (!Object.values(r.formats).some((w) => w > 0) || Object.values(r.formats).some((w) => !(w >= 0))) {
    throw new RangeError(`formats needs non-negative weights, at least one positive, got ${JSON.stringify(r.formats)}`);
  }
  // The smallest image must hold the smallest beam at the least radius in beams.
  if ((r.size[0] / 2) * r.radius[1] < r.minRadiusBeams * r.beam[0]) {
    throw new RangeError(`a ${r.size[0]}-pixel image cannot hold a radius of ${r.minRadiusBeams} beams of ${r.beam[0]} pixels within ${r.radius[1]} of the half-field`);
  }
  if (kind === 'cubes' && (!Number.isInteger(r.channels[0]) || !Number.isInteger(r.channels[1]) || r.channels[0] < 4)) {
    throw new RangeError(`channels must be integers >= 4, got ${JSON.stringify(r.channels)}`);
  }
  return r;
}

/** One image's observing conditions. Lengths in pixels; offsets along +x (NAXIS1, west) and +y (north). */
export interface SurveyFrame {
  width: number; height: number;
  /** Beam FWHM (pixels) and position angle (degrees east of north). */
  beamMajor: number; beamMinor: number; beamPa: number;
  /** Outer radius of the object, pixels. */
  radius: number;
  inclination: number; positionAngle: number;
  offsetX: number; offsetY: number;
  flux: number;
  snr: number;
  /** Radius of the primary-beam circle outside which pixels are NaN; 0 when unmasked. */
  pbRadius: number;
  format: SurveyFormat;
  gzip: boolean;
  /** arcsec per pixel */
  pixelScale: number;
  noiseSeed: number;
}

const DEG = Math.PI / 180;

export function isotropicInclination(rng: Rng, [lo, hi]: Interval): number {
  return Math.acos(rng.uniform(Math.cos(hi * DEG), Math.cos(lo * DEG))) / DEG;
}

function weighted<T extends string>(rng: Rng, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((a, [, w]) => a + w, 0);
  let u = rng.next() * total;
  for (const [k, w] of entries) { if (w <= 0) continue; if (u < w) return k; u -= w; }
  return entries.filter(([, w]) => w > 0).at(-1)![0];
}

/** Draws the frame. Order of draws is part of the (seed, index) contract: append, never reorder. */
export function sampleFrame(rng: Rng, r: SurveyRanges): SurveyFrame {
  const [lo, hi] = r.size;
  let width = Math.round(rng.logUniform(lo, hi)), height = width;
  if (rng.next() < r.nonSquare) {
    const a = rng.logUniform(r.aspect[0], r.aspect[1]);
    const wLo = Math.max(lo, lo / a), wHi = Math.min(hi, hi / a);
    if (wLo <= wHi) {
      width = Math.min(hi, Math.max(lo, Math.round(rng.logUniform(wLo, wHi))));
      height = Math.min(hi, Math.max(lo, Math.round(width * a)));
    }
  }
  const half = Math.min(width, height) / 2;
  // Beam: the largest the radius constraint allows at this size, both axes within the beam range.
  const bmajHi = Math.max(r.beam[0], Math.min(r.beam[1], (half * r.radius[1]) / r.minRadiusBeams));
  const beamMajor = rng.logUniform(r.beam[0], bmajHi);
  const ratioLo = Math.min(r.beamAxisRatio[1], Math.max(r.beamAxisRatio[0], r.beam[0] / beamMajor));
  const beamMinor = beamMajor * rng.uniform(ratioLo, r.beamAxisRatio[1]);
  const beamPa = rng.uniform(-90, 90);
  const radius = rng.uniform(Math.min(half * r.radius[1], Math.max(half * r.radius[0], r.minRadiusBeams * beamMajor)), half * r.radius[1]);
  const inclination = isotropicInclination(rng, r.inclination);
  const positionAngle = rng.uniform(0, 180);
  // Offsets up to the range, but the outer radius stays inside the field.
  const maxX = Math.min(r.offset * width, Math.max(0, width / 2 - radius));
  const maxY = Math.min(r.offset * height, Math.max(0, height / 2 - radius));
  const offsetX = rng.uniform(-maxX, maxX), offsetY = rng.uniform(-maxY, maxY);
  const flux = rng.logUniform(r.flux[0], r.flux[1]);
  const snr = rng.logUniform(r.snr[0], r.snr[1]);
  let pbRadius = 0;
  if (rng.next() < r.pbMask) {
    // Blank the corners at least, never the object: ALMA's pbcor images stop where the primary beam falls to 0.2.
    const outer = 0.97 * Math.hypot(width / 2, height / 2);
    const inner = Math.min(outer, Math.max(Math.hypot(offsetX, offsetY) + radius + 1.5 * beamMajor, 0.8 * half));
    pbRadius = rng.uniform(inner, outer);
  }
  const format = weighted(rng, r.formats);
  const gzip = rng.next() < r.gzip;
  const pixelScale = rng.logUniform(r.beamArcsec[0], r.beamArcsec[1]) / beamMajor;
  const noiseSeed = rng.nextUint32();
  return { width, height, beamMajor, beamMinor, beamPa, radius, inclination, positionAngle, offsetX, offsetY, flux, snr, pbRadius, format, gzip, pixelScale, noiseSeed };
}

export function frameBeam(f: SurveyFrame): Beam {
  return { bmaj: f.beamMajor, bmin: f.beamMinor, bpa: f.beamPa };
}

/** Disk-plane geometry of a component: sky offset (x west, y north) -> radius and azimuth from the major axis. */
export interface Projection { cx: number; cy: number; cosPa: number; sinPa: number; cosInc: number }

export function projection(cx: number, cy: number, inclinationDeg: number, paDeg: number): Projection {
  return { cx, cy, cosPa: Math.cos(paDeg * DEG), sinPa: Math.sin(paDeg * DEG), cosInc: Math.max(Math.cos(inclinationDeg * DEG), 1e-3) };
}

/** (along, across): coordinates on the major axis and the deprojected minor axis, for a sky offset (dx west, dy north). */
export function deproject(p: Projection, x: number, y: number): [number, number] {
  const de = -(x - p.cx), dn = y - p.cy;
  return [de * p.sinPa + dn * p.cosPa, (de * p.cosPa - dn * p.sinPa) / p.cosInc];
}

/** Supersampling so narrow features are not aliased before the beam smooths them. */
export function supersampling(beamMinor: number): number {
  return beamMinor < 2.5 ? 3 : beamMinor < 4 ? 2 : 1;
}

/** Unit-rms noise correlated on the beam scale, for `planes` planes of width x height (padded internally). */
export function correlatedNoise(rng: Rng, width: number, height: number, planes: number, beam: Beam): Float32Array {
  const kernel = beamKernel(beam);
  const m = kernel.radius, PW = width + 2 * m, PH = height + 2 * m;
  let k2 = 0;
  for (const v of kernel.values) k2 += v * v;
  const norm = 1 / Math.sqrt(k2);
  const out = new Float32Array(width * height * planes);
  const white = new Float32Array(PW * PH);
  for (let k = 0; k < planes; k++) {
    for (let i = 0; i < white.length; i++) white[i] = rng.normal();
    const coloured = convolveBeamInterior(white, PW, PH, beam);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) out[(k * height + y) * width + x] = coloured[(y + m) * PW + x + m]! * norm;
    }
  }
  return out;
}

/**
 * Adds noise of rms `rms` to every plane. With a primary-beam radius, the noise grows as 1/PB towards
 * the edge (a primary-beam corrected image, PB = 0.2 at the radius) and pixels beyond it become NaN.
 */
export function addNoise(data: Float32Array, f: SurveyFrame, planes: number, rms: number): void {
  const W = f.width, H = f.height;
  const noise = correlatedNoise(new Rng(f.noiseSeed), W, H, planes, frameBeam(f));
  const gain = new Float32Array(W * H).fill(1);
  if (f.pbRadius > 0) {
    // Gaussian primary beam: PB(r) = exp(-r^2 ln5 / rPb^2) is 0.2 at rPb.
    const cx = (W - 1) / 2, cy = (H - 1) / 2, a = Math.log(5) / (f.pbRadius * f.pbRadius);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const r2 = (x - cx) ** 2 + (y - cy) ** 2;
        gain[y * W + x] = r2 > f.pbRadius * f.pbRadius ? NaN : Math.exp(a * r2);
      }
    }
  }
  const N = W * H;
  for (let k = 0; k < planes; k++) {
    for (let i = 0; i < N; i++) {
      const g = gain[i]!;
      data[k * N + i] = Number.isNaN(g) ? NaN : data[k * N + i]! + rms * g * noise[k * N + i]!;
    }
  }
}

/** True where the frame's primary-beam mask blanks pixel (x, y). */
export function isMasked(f: SurveyFrame, x: number, y: number): boolean {
  return f.pbRadius > 0 && (x - (f.width - 1) / 2) ** 2 + (y - (f.height - 1) / 2) ** 2 > f.pbRadius * f.pbRadius;
}

/** Celestial WCS, beam and common cards; BMAJ/BMIN in degrees as FITS has them. */
export function celestialCards(f: SurveyFrame, object: string): Record<string, string | number | boolean> {
  const deg = 1 / 3600;
  return {
    OBJECT: object, TELESCOP: 'ALMA', INSTRUME: 'ALMA', BUNIT: 'Jy/beam', BTYPE: 'Intensity',
    RADESYS: 'ICRS', EQUINOX: 2000.0,
    CTYPE1: 'RA---SIN', CUNIT1: 'deg', CRVAL1: 240.0, CDELT1: -f.pixelScale * deg, CRPIX1: (f.width + 1) / 2,
    CTYPE2: 'DEC--SIN', CUNIT2: 'deg', CRVAL2: -25.0, CDELT2: f.pixelScale * deg, CRPIX2: (f.height + 1) / 2,
    BMAJ: f.beamMajor * f.pixelScale * deg, BMIN: f.beamMinor * f.pixelScale * deg, BPA: f.beamPa,
  };
}

export function surveyFileName(stem: string, gzip: boolean): string {
  return gzip ? `${stem}.fits.gz` : `${stem}.fits`;
}

export const INT16_BLANK = -32768;

/**
 * Writes data (FITS order shape [W, H] or [W, H, C]) in the frame's format. '4d' appends degenerate axes:
 * [W, H, 1, 1] with a FREQ and a STOKES axis for an image, [W, H, C, 1] with STOKES for a cube.
 */
export function writeSurveyFits(path: string, data: Float32Array, shape: number[], cards: Record<string, string | number | boolean>,
  format: SurveyFormat, gzip: boolean, continuumFrequency = 2.3e11): void {
  const c = { ...cards };
  let s = shape;
  if (format === '4d') {
    if (shape.length === 2) {
      s = [shape[0]!, shape[1]!, 1, 1];
      Object.assign(c, { CTYPE3: 'FREQ', CUNIT3: 'Hz', CRVAL3: continuumFrequency, CDELT3: 7.5e9, CRPIX3: 1 });
    } else s = [...shape, 1];
    Object.assign(c, { CTYPE4: 'STOKES', CRVAL4: 1, CDELT4: 1, CRPIX4: 1 });
  }
  if (format === 'int16') {
    const { values, bscale, bzero } = quantiseInt16(data);
    writeImageFits(path, values, s, { bitpix: 16, cards: { BSCALE: bscale, BZERO: bzero, BLANK: INT16_BLANK, ...c }, gzip });
  } else if (format === 'float64') {
    writeImageFits(path, Float64Array.from(data), s, { bitpix: -64, cards: c, gzip });
  } else {
    writeImageFits(path, data, s, { bitpix: -32, cards: c, gzip });
  }
}

/** Shape on disk for data of shape [W, H] or [W, H, C] in this format. */
export function storedShape(shape: number[], format: SurveyFormat): number[] {
  if (format !== '4d') return shape;
  return shape.length === 2 ? [...shape, 1, 1] : [...shape, 1];
}
