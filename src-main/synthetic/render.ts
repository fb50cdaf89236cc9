// Renders an object under an observation: supersampled sky model -> beam convolution (Jy/beam) ->
// beam-correlated Gaussian noise. For cubes, a Keplerian velocity field splits the emission over
// channels (the familiar "butterfly" channel maps).
import { Rng } from '../base/random.ts';
import { beamAreaPixels, beamKernel, convolveBeamInterior, type Beam } from './beam.ts';
import { componentsOf, type DiskObject } from './morphology.ts';
import type { Observation } from './observation.ts';

export interface SyntheticImage {
  /** Physical values (Jy/beam), C order with NAXIS1 fastest. */
  data: Float32Array;
  /** FITS order: [NAXIS1, NAXIS2] or [NAXIS1, NAXIS2, NAXIS3] for a cube. */
  shape: number[];
  /** FITS header cards describing the image (WCS, beam, units, provenance). */
  cards: Record<string, string | number | boolean>;
  object: DiskObject;
  observation: Observation;
  /** Noise rms actually added, Jy/beam. */
  noiseRms: number;
}

/** Line width and channel span, in units of the Keplerian speed at the object's radius. */
const LINE_WIDTH = 0.12, VELOCITY_SPAN = 2.2, KEPLER_KMS = 3;
const REST_FREQUENCY = 230.538e9; // CO J=2-1
const C_KMS = 299792.458;

export function renderObject(object: DiskObject, obs: Observation): SyntheticImage {
  const beamPx: Beam = { bmaj: obs.beamMajor / obs.pixelScale, bmin: obs.beamMinor / obs.pixelScale, bpa: obs.beamPa };
  const margin = beamKernel(beamPx).radius + 1;
  const W = obs.width, H = obs.height;
  const PW = W + 2 * margin, PH = H + 2 * margin;
  const nChan = Math.max(0, obs.channels | 0);
  const planes = Math.max(1, nChan);
  const comps = componentsOf(object);
  const velocities = Array.from({ length: nChan }, (_, k) => nChan === 1 ? 0 : -VELOCITY_SPAN + (2 * VELOCITY_SPAN * k) / (nChan - 1));

  // Sky model on the padded grid, Jy per pixel once normalised. Pixel centre (W-1)/2 is the field centre.
  const model = new Float32Array(PW * PH * planes);
  const cx = (W - 1) / 2 + margin, cy = (H - 1) / 2 + margin;
  // Sub-pixel sampling only matters when the beam is narrow: a beam of >= 2.5 pixels smooths away
  // the aliasing of sampling at pixel centres.
  const SUPERSAMPLE = Math.min(beamPx.bmaj, beamPx.bmin) >= 2.5 ? 1 : 2;
  const sub = 1 / SUPERSAMPLE;
  for (let py = 0; py < PH; py++) {
    for (let px = 0; px < PW; px++) {
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const east = -(px - cx + (sx + 0.5) * sub - 0.5) * obs.pixelScale - obs.offsetEast;
          const north = (py - cy + (sy + 0.5) * sub - 0.5) * obs.pixelScale - obs.offsetNorth;
          for (const c of comps) {
            const de = east - c.x0, dn = north - c.y0;
            const along = de * c.sinPa + dn * c.cosPa;        // major axis
            const across = (de * c.cosPa - dn * c.sinPa) / c.cosInc; // deprojected minor axis
            const r = Math.hypot(along, across);
            const phi = Math.atan2(across, along);
            const b = c.brightness(r, phi);
            if (!(b > 0)) continue;
            if (nChan === 0) { model[py * PW + px]! += b; continue; }
            // Line-of-sight Keplerian velocity, in units of the speed at R.
            const vk = Math.pow(Math.max(r, 0.05 * c.radius) / c.radius, -0.5);
            const vlos = c.vsys + vk * c.sinInc * (r > 0 ? along / r : 0);
            for (let k = 0; k < nChan; k++) {
              const d = (vlos - velocities[k]!) / LINE_WIDTH;
              if (d > 5 || d < -5) continue;
              model[(k * PH + py) * PW + px]! += b * Math.exp(-0.5 * d * d);
            }
          }
        }
      }
    }
  }
  let modelSum = 0;
  for (let i = 0; i < model.length; i++) modelSum += model[i]!;
  const scale = (modelSum > 0 ? object.flux / modelSum : 0) * beamAreaPixels(beamPx);

  // Convolve each plane, crop, convert to Jy/beam; then noise correlated on the beam scale.
  const data = new Float32Array(W * H * planes);
  const rng = new Rng(obs.noiseSeed);
  const noise = new Float32Array(W * H * planes);
  let peak = 0;
  for (let k = 0; k < planes; k++) {
    const plane = convolveBeamInterior(model.subarray(k * PW * PH, (k + 1) * PW * PH), PW, PH, beamPx);
    const white = new Float32Array(PW * PH);
    for (let i = 0; i < white.length; i++) white[i] = rng.normal();
    const coloured = convolveBeamInterior(white, PW, PH, beamPx);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = plane[(y + margin) * PW + x + margin]! * scale;
        data[(k * H + y) * W + x] = v;
        if (v > peak) peak = v;
        noise[(k * H + y) * W + x] = coloured[(y + margin) * PW + x + margin]!;
      }
    }
  }
  let ss = 0;
  for (let i = 0; i < noise.length; i++) ss += noise[i]! * noise[i]!;
  const noiseRms = peak / obs.snr;
  const noiseScale = ss > 0 ? noiseRms / Math.sqrt(ss / noise.length) : 0;
  for (let i = 0; i < data.length; i++) data[i]! += noise[i]! * noiseScale;

  const deg = 1 / 3600;
  const cards: Record<string, string | number | boolean> = {
    OBJECT: `synthetic ${object.className}`,
    TELESCOP: 'ALMA (synthetic)',
    BUNIT: 'Jy/beam',
    BTYPE: 'Intensity',
    CTYPE1: 'RA---SIN', CUNIT1: 'deg', CRVAL1: 240.0, CDELT1: -obs.pixelScale * deg, CRPIX1: (W + 1) / 2,
    CTYPE2: 'DEC--SIN', CUNIT2: 'deg', CRVAL2: -25.0, CDELT2: obs.pixelScale * deg, CRPIX2: (H + 1) / 2,
    BMAJ: obs.beamMajor * deg, BMIN: obs.beamMinor * deg, BPA: obs.beamPa,
    RADESYS: 'ICRS', EQUINOX: 2000.0,
    SYNCLASS: object.className,
    NOISERMS: noiseRms,
  };
  if (nChan > 0) {
    const dv = nChan === 1 ? LINE_WIDTH * KEPLER_KMS : ((2 * VELOCITY_SPAN) / (nChan - 1)) * KEPLER_KMS; // km/s per channel
    Object.assign(cards, {
      CTYPE3: 'FREQ', CUNIT3: 'Hz', CRVAL3: REST_FREQUENCY, CRPIX3: (nChan + 1) / 2, CDELT3: (-REST_FREQUENCY * dv) / C_KMS,
      RESTFRQ: REST_FREQUENCY, SPECSYS: 'LSRK',
    });
  }
  return { data, shape: nChan > 0 ? [W, H, nChan] : [W, H], cards, object, observation: obs, noiseRms };
}
