// Convolves with a random elliptical Gaussian beam: the same object seen at lower resolution.
// Mask-aware (normalised convolution), so blank regions do not darken their neighbours.
import { convolveBeamChannels } from '../../../synthetic/index.ts';
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { Augmentation } from './augmentation.ts';

export interface BeamBlurParams { p: number; fwhm: [number, number] /* major axis, pixels */; axisRatio: [number, number] }

export class BeamBlur extends Augmentation {
  readonly fwhm: [number, number];
  readonly axisRatio: [number, number];

  constructor(params: BeamBlurParams) {
    super('beam-blur', params.p);
    this.fwhm = params.fwhm;
    this.axisRatio = params.axisRatio;
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    const bmaj = rng.uniform(this.fwhm[0], this.fwhm[1]);
    const bmin = bmaj * rng.uniform(this.axisRatio[0], this.axisRatio[1]);
    const bpa = rng.uniform(-90, 90);
    if (bmaj < 0.5) return s; // narrower than half a pixel: no visible change
    const data = convolveBeamChannels(s.data, s.width, s.height, s.channels, { bmaj, bmin, bpa }, s.mask);
    return { ...s, data };
  }
}
