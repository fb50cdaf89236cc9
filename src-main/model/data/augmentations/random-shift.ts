// Small sub-pixel shifts: the object is rarely exactly at the field centre. Edges are mirrored,
// so no zero-filled strip appears.
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { sampleAffine } from './affine-sampler.ts';
import { Augmentation } from './augmentation.ts';

export interface RandomShiftParams { p: number; maxFraction: number }

export class RandomShift extends Augmentation {
  readonly maxFraction: number;

  constructor(params: RandomShiftParams) {
    super('shift', params.p);
    this.maxFraction = params.maxFraction;
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    const dx = rng.uniform(-1, 1) * this.maxFraction * s.width, dy = rng.uniform(-1, 1) * this.maxFraction * s.height;
    return sampleAffine(s, [1, 0, -dx, 0, 1, -dy], 'reflect');
  }
}
