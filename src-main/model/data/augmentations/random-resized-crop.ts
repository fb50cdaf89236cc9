// A random sub-field (area fraction and aspect ratio drawn), scaled back to S: the object at a
// different size in the field and partly off-centre, as with another field of view or pixel scale.
// An area fraction above 1 zooms out: the box is larger than the field and the part beyond it is
// masked (0, which the asinh normalisation makes the sky level), as for a wider field.
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { sampleAffine } from './affine-sampler.ts';
import { Augmentation } from './augmentation.ts';

export interface RandomResizedCropParams { p: number; scale: [number, number]; ratio: [number, number] }

export class RandomResizedCrop extends Augmentation {
  readonly scale: [number, number];
  readonly ratio: [number, number];

  constructor(params: RandomResizedCropParams) {
    super('resized-crop', params.p);
    this.scale = params.scale;
    this.ratio = params.ratio;
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    const area = rng.uniform(this.scale[0], this.scale[1]);
    const ratio = rng.logUniform(this.ratio[0], this.ratio[1]);
    const w = Math.sqrt(area * ratio) * s.width, h = Math.sqrt(area / ratio) * s.height;
    const x0 = rng.uniform(Math.min(0, s.width - w), Math.max(0, s.width - w));
    const y0 = rng.uniform(Math.min(0, s.height - h), Math.max(0, s.height - h));
    // Output pixel u covers [u, u+1) of the crop scaled by w/W: centre at x0 + (u + 0.5) w/W - 0.5.
    const sx = w / s.width, sy = h / s.height;
    return sampleAffine(s, [sx, 0, x0 + 0.5 * sx - 0.5, 0, sy, y0 + 0.5 * sy - 0.5], 'mask');
  }
}
