// The protocol every augmentation follows, owned by the base class (like tfjs-layers' Layer.apply):
// check the sample, decide with probability p whether to act, call transform() with the rng, check
// the result keeps the shape. Subclasses only implement transform().
import type { Rng } from '../../../base/random.ts';
import { checkSample, type ImageSample } from '../sample.ts';

export abstract class Augmentation {
  /** The name used in settings (e.g. 'rotation'). */
  readonly name: string;
  /** Probability of acting on a sample. */
  readonly p: number;

  constructor(name: string, p = 1) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: p must be in [0, 1], got ${p}`);
    this.name = name;
    this.p = p;
  }

  apply(sample: ImageSample, rng: Rng): ImageSample {
    checkSample(sample, `${this.name} input`);
    // Draw the coin even when p is 1, so the transform's draws do not depend on p.
    if (rng.next() >= this.p) return sample;
    const out = this.transform(sample, rng);
    if (out.height !== sample.height || out.width !== sample.width || out.channels !== sample.channels) {
      throw new Error(`${this.name} changed the sample shape ${sample.height}x${sample.width}x${sample.channels} to ${out.height}x${out.width}x${out.channels}`);
    }
    checkSample(out, `${this.name} output`);
    return out;
  }

  /** Returns a new sample (never modifies the input: the same cached sample feeds both views). */
  protected abstract transform(sample: ImageSample, rng: Rng): ImageSample;
}
