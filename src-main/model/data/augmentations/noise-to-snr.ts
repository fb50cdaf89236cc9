// Adds Gaussian noise so the sample's peak reaches a random signal-to-noise ratio (log-uniform):
// shallower observations of the same object. The noise is correlated on a random beam-like scale,
// as in a radio or sub-mm map (or a resampled image): white noise alone is easy to tell from the
// data's own correlated noise, and a network then learns to ignore only the white kind.
// Masked pixels stay 0.
import { beamKernel, convolveBeamInterior } from '../../../synthetic/index.ts';
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { Augmentation } from './augmentation.ts';

export interface NoiseToSnrParams { p: number; snr: [number, number]; correlation?: [number, number] }

export class NoiseToSnr extends Augmentation {
  readonly snr: [number, number];
  /** FWHM in pixels of the Gaussian that correlates the noise (0: white noise). */
  readonly correlation: [number, number];

  constructor(params: NoiseToSnrParams) {
    super('noise', params.p);
    this.snr = params.snr;
    this.correlation = params.correlation ?? [0, 0];
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    const snr = rng.logUniform(this.snr[0], this.snr[1]);
    const fwhm = rng.uniform(this.correlation[0], this.correlation[1]);
    return addNoise(s, snr, rng, fwhm);
  }
}

/** Unit-rms noise for every channel, channel fastest; correlated by a round Gaussian of this FWHM. */
function noiseField(width: number, height: number, channels: number, fwhm: number, rng: Rng): Float32Array {
  const N = width * height, out = new Float32Array(N * channels);
  if (!(fwhm >= 0.5)) {
    for (let i = 0; i < out.length; i++) out[i] = rng.normal();
    return out;
  }
  // Pad by the kernel radius, convolve, crop: the noise is correlated right up to the edges.
  const beam = { bmaj: fwhm, bmin: fwhm, bpa: 0 };
  const r = beamKernel(beam).radius, PW = width + 2 * r, PH = height + 2 * r;
  const white = new Float32Array(PW * PH);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < white.length; i++) white[i] = rng.normal();
    const coloured = convolveBeamInterior(white, PW, PH, beam);
    let ss = 0;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ss += coloured[(y + r) * PW + x + r]! ** 2;
    const scale = ss > 0 ? 1 / Math.sqrt(ss / N) : 0;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[(y * width + x) * channels + c] = coloured[(y + r) * PW + x + r]! * scale;
  }
  return out;
}

export function addNoise(s: ImageSample, snr: number, rng: Rng, correlationFwhm = 0): ImageSample {
  let peak = 0;
  for (let i = 0; i < s.mask.length; i++) {
    if (!s.mask[i]) continue;
    for (let c = 0; c < s.channels; c++) peak = Math.max(peak, Math.abs(s.data[i * s.channels + c]!));
  }
  const sigma = peak / snr;
  const noise = noiseField(s.width, s.height, s.channels, correlationFwhm, rng);
  const data = s.data.slice();
  for (let i = 0; i < s.mask.length; i++) {
    if (!s.mask[i]) continue;
    for (let c = 0; c < s.channels; c++) data[i * s.channels + c]! += sigma * noise[i * s.channels + c]!;
  }
  return { ...s, data };
}
