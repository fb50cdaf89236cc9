// How the telescope sees an object: field of view and pixel scale (hence image size), the restoring
// beam, the noise level and, for cubes, the channels. Kept apart from the object so the same object
// can be observed again under other conditions (the nuisance-invariance check).
import type { Rng } from '../base/random.ts';
import type { DiskObject } from './morphology.ts';

export interface Observation {
  /** arcsec per pixel */
  pixelScale: number;
  width: number;
  height: number;
  /** Beam FWHM in arcsec and position angle in degrees. */
  beamMajor: number; beamMinor: number; beamPa: number;
  /** Peak signal-to-noise ratio: noise rms = peak / snr (noise is beam-correlated, like an interferometric map). */
  snr: number;
  /** Seed of this observation's noise realisation. */
  noiseSeed: number;
  /** Spectral channels for a line cube; 0 for a continuum image. */
  channels: number;
  /** Sky offset of the object from the field centre, arcsec (east, north). */
  offsetEast: number; offsetNorth: number;
}

export interface ObservationRanges {
  /** Beams across the object's radius R. */
  beamsPerRadius: [number, number];
  /** Pixels per beam FWHM. */
  pixelsPerBeam: [number, number];
  /** Field of view in units of R. */
  fieldOfView: [number, number];
  snr: [number, number];
  /** Image side clamp in pixels. */
  sizeRange: [number, number];
  channels: number;
}

export const DEFAULT_OBSERVATION_RANGES: ObservationRanges = {
  beamsPerRadius: [6, 12], pixelsPerBeam: [3, 5], fieldOfView: [2.6, 4.5], snr: [15, 300], sizeRange: [48, 192], channels: 0,
};


export function sampleObservation(rng: Rng, object: DiskObject, ranges: Partial<ObservationRanges> = {}): Observation {
  const r = { ...DEFAULT_OBSERVATION_RANGES, ...ranges };
  const beamMajor = object.radius / rng.uniform(...r.beamsPerRadius);
  const beamMinor = beamMajor * rng.uniform(0.6, 1);
  let pixelScale = beamMinor / rng.uniform(...r.pixelsPerBeam);
  const fov = object.radius * rng.uniform(...r.fieldOfView);
  // Non-square fields happen (mosaics, cut-outs); keep most square.
  const aspect = rng.next() < 0.7 ? 1 : rng.uniform(0.75, 1.33);
  let side = fov / pixelScale;
  if (side > r.sizeRange[1]) { pixelScale *= side / r.sizeRange[1]; side = r.sizeRange[1]; }
  if (side < r.sizeRange[0]) { pixelScale *= side / r.sizeRange[0]; side = r.sizeRange[0]; }
  const width = Math.round(side);
  const height = Math.max(8, Math.min(r.sizeRange[1], Math.round(side * aspect)));
  return {
    pixelScale, width, height,
    beamMajor, beamMinor, beamPa: rng.uniform(-90, 90),
    snr: rng.logUniform(r.snr[0], r.snr[1]),
    noiseSeed: rng.nextUint32(),
    channels: r.channels,
    offsetEast: rng.normal() * 0.03 * object.radius,
    offsetNorth: rng.normal() * 0.03 * object.radius,
  };
}

/** Changes one observing condition at a time, keeping the same sky field centre and object. */
export function withFieldOfView(obs: Observation, factor: number): Observation {
  // Same pixel scale, bigger or smaller field: the object fills a different fraction of the image.
  return { ...obs, width: Math.max(16, Math.round(obs.width * factor)), height: Math.max(16, Math.round(obs.height * factor)) };
}

export function withPixelScale(obs: Observation, factor: number): Observation {
  // Same field, sampled more coarsely or finely: image size changes, the object's angular size does not.
  return { ...obs, pixelScale: obs.pixelScale * factor, width: Math.max(16, Math.round(obs.width / factor)), height: Math.max(16, Math.round(obs.height / factor)) };
}

export function withBeam(obs: Observation, factor: number): Observation {
  return { ...obs, beamMajor: obs.beamMajor * factor, beamMinor: obs.beamMinor * factor };
}

export function withSnr(obs: Observation, snr: number, noiseSeed = obs.noiseSeed): Observation {
  return { ...obs, snr, noiseSeed };
}
