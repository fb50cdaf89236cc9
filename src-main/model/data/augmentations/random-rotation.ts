// Rotation by any angle, never with zero-filled corners. Default 'crop': rotate, then take the
// largest axis-aligned square inside the rotated field and scale it back to S (a zoom of at most
// sqrt 2 at 45 degrees; every output pixel comes from the data). 'reflect' keeps the scale and
// fills the corners with the mirrored image instead; sky around a disk is mostly noise, so both work.
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { sampleAffine } from './affine-sampler.ts';
import { Augmentation } from './augmentation.ts';

export interface RandomRotationParams { p: number; degrees: number; corners: 'crop' | 'reflect' }

export class RandomRotation extends Augmentation {
  readonly degrees: number;
  readonly corners: 'crop' | 'reflect';

  constructor(params: RandomRotationParams) {
    super('rotation', params.p);
    this.degrees = params.degrees;
    this.corners = params.corners;
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    return rotate(s, (rng.uniform(-this.degrees, this.degrees) * Math.PI) / 180, this.corners);
  }
}

export function rotate(s: ImageSample, angle: number, corners: 'crop' | 'reflect'): ImageSample {
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const zoom = corners === 'crop' ? 1 / (Math.abs(cos) + Math.abs(sin)) : 1;
  const cx = (s.width - 1) / 2, cy = (s.height - 1) / 2;
  // input = centre + zoom * R(angle) * (output - centre)
  const a = zoom * cos, b = -zoom * sin, d = zoom * sin, e = zoom * cos;
  return sampleAffine(s, [a, b, cx - a * cx - b * cy, d, e, cy - d * cx - e * cy], corners === 'crop' ? 'mask' : 'reflect');
}
