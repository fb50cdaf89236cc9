// Convolves with a random elliptical Gaussian beam: the same object seen at lower resolution.
// Mask-aware (normalised convolution), so blank regions do not darken their neighbours.
import { convolveBeam } from '../../../synthetic/index.ts';
import type { Rng } from '../../rng.ts';
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
    const { width: W, height: H, channels: C } = s;
    const data = new Float32Array(s.data.length);
    const plane = new Float32Array(W * H);
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < W * H; i++) plane[i] = s.data[i * C + c]!;
      const out = convolveBeam(plane, W, H, { bmaj, bmin, bpa }, s.mask);
      for (let i = 0; i < W * H; i++) data[i * C + c] = out[i]!;
    }
    return { ...s, data };
  }
}
