// A disk seen at another inclination: squeeze the image along a random axis by a factor cos(i),
// i drawn uniformly in cos i between the given limits (random orientations on the sky). Inclination
// and position angle are nuisances of disk morphology (a ring at 60 degrees is still a ring), and
// the survey's objects come at every inclination, so the views should too. The squeeze keeps the
// centre; what it pulls in from beyond the field is masked, like a rotation's corners.
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { sampleAffine } from './affine-sampler.ts';
import { Augmentation } from './augmentation.ts';

export interface RandomInclinationParams { p: number; degrees: [number, number] }

export class RandomInclination extends Augmentation {
  readonly cosRange: [number, number];

  constructor(params: RandomInclinationParams) {
    super('inclination', params.p);
    const c = (d: number) => Math.cos((d * Math.PI) / 180);
    this.cosRange = [c(params.degrees[1]), c(params.degrees[0])];
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    return squeeze(s, rng.uniform(...this.cosRange), rng.uniform(0, Math.PI));
  }
}

/**
 * The image squeezed by `factor` along the axis at `angle` (radians from x) relative to the axis
 * across it, area kept (sqrt(factor) along, 1/sqrt(factor) across): a shrink alone would pull in
 * up to 1/factor times the field along the axis, most of it beyond the data.
 */
export function squeeze(s: ImageSample, factor: number, angle: number): ImageSample {
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const along = 1 / Math.sqrt(factor), across = Math.sqrt(factor); // input reach per output pixel
  const cx = (s.width - 1) / 2, cy = (s.height - 1) / 2;
  // input = centre + R(angle) diag(along, across) R(-angle) (output - centre)
  const a = along * cos * cos + across * sin * sin, b = (along - across) * cos * sin, e = along * sin * sin + across * cos * cos;
  return sampleAffine(s, [a, b, cx - a * cx - b * cy, b, e, cy - b * cx - e * cy], 'mask');
}
