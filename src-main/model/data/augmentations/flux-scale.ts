// Multiplies the brightness by a log-uniform factor: linear, no clipping to [0, 1] (a colour jitter
// that clips would destroy the faint structure that carries the morphology).
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { Augmentation } from './augmentation.ts';

export interface FluxScaleParams { p: number; range: [number, number] }

export class FluxScale extends Augmentation {
  readonly range: [number, number];

  constructor(params: FluxScaleParams) {
    super('flux-scale', params.p);
    this.range = params.range;
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    const factor = rng.logUniform(this.range[0], this.range[1]);
    return { ...s, data: s.data.map((v) => v * factor) };
  }
}
