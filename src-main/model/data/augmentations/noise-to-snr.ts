// Adds Gaussian noise so the sample's peak reaches a random signal-to-noise ratio (log-uniform):
// shallower observations of the same object. Masked pixels stay 0.
import type { Rng } from '../../rng.ts';
import type { ImageSample } from '../sample.ts';
import { Augmentation } from './augmentation.ts';

export interface NoiseToSnrParams { p: number; snr: [number, number] }

export class NoiseToSnr extends Augmentation {
  readonly snr: [number, number];

  constructor(params: NoiseToSnrParams) {
    super('noise', params.p);
    this.snr = params.snr;
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    const snr = rng.logUniform(this.snr[0], this.snr[1]);
    return addNoise(s, snr, rng);
  }
}

export function addNoise(s: ImageSample, snr: number, rng: Rng): ImageSample {
  let peak = 0;
  for (let i = 0; i < s.mask.length; i++) {
    if (!s.mask[i]) continue;
    for (let c = 0; c < s.channels; c++) peak = Math.max(peak, Math.abs(s.data[i * s.channels + c]!));
  }
  const sigma = peak / snr;
  const data = s.data.slice();
  for (let i = 0; i < s.mask.length; i++) {
    if (!s.mask[i]) continue;
    for (let c = 0; c < s.channels; c++) data[i * s.channels + c]! += sigma * rng.normal();
  }
  return { ...s, data };
}
