// Mirror images: a disk seen from the other side (or with the other spiral handedness) is the same kind of object.
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { Augmentation } from './augmentation.ts';

export interface RandomFlipParams { p: number; horizontal: boolean; vertical: boolean }

export class RandomFlip extends Augmentation {
  readonly horizontal: boolean;
  readonly vertical: boolean;

  constructor(params: RandomFlipParams) {
    super('flip', params.p);
    this.horizontal = params.horizontal;
    this.vertical = params.vertical;
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    // Each enabled axis flips with probability 1/2.
    const fx = this.horizontal && rng.next() < 0.5, fy = this.vertical && rng.next() < 0.5;
    return flip(s, fx, fy);
  }
}

export function flip(s: ImageSample, fx: boolean, fy: boolean): ImageSample {
  const { width: W, height: H, channels: C } = s;
  const data = new Float32Array(s.data.length), mask = new Uint8Array(s.mask.length);
  for (let y = 0; y < H; y++) {
    const sy = fy ? H - 1 - y : y;
    for (let x = 0; x < W; x++) {
      const src = sy * W + (fx ? W - 1 - x : x), dst = y * W + x;
      mask[dst] = s.mask[src]!;
      for (let c = 0; c < C; c++) data[dst * C + c] = s.data[src * C + c]!;
    }
  }
  return { ...s, data, mask };
}
