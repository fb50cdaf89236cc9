// Applies augmentations in order. Each one gets its own rng, derived from the sample's rng and the
// augmentation's name (and its occurrence number), so dropping one augmentation (an ablation) leaves
// the random draws of all the others unchanged.
import { deriveSeed, nameSeed } from '../../../base/derive-seed.ts';
import { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { Augmentation } from './augmentation.ts';

export class AugmentationSequence extends Augmentation {
  readonly steps: readonly Augmentation[];
  readonly #keys: number[];

  constructor(steps: Augmentation[]) {
    super('sequence', 1);
    this.steps = steps;
    const seen = new Map<string, number>();
    this.#keys = steps.map((s) => {
      const k = seen.get(s.name) ?? 0;
      seen.set(s.name, k + 1);
      return deriveSeed(nameSeed(s.name), k);
    });
  }

  protected transform(sample: ImageSample, rng: Rng): ImageSample {
    const base = rng.nextUint32();
    let s = sample;
    this.steps.forEach((step, i) => { s = step.apply(s, new Rng(deriveSeed(base, this.#keys[i]!))); });
    return s;
  }
}
