// Shifts spectral channels by a fraction of a channel (linear interpolation, edge channels
// repeated): a small systemic-velocity offset. Acts only on spectral channels, not on moment maps
// or single-channel images.
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { Augmentation } from './augmentation.ts';

export interface SpectralShiftParams { p: number; maxChannels: number }

export class SpectralShift extends Augmentation {
  readonly maxChannels: number;

  constructor(params: SpectralShiftParams) {
    super('spectral-shift', params.p);
    this.maxChannels = params.maxChannels;
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    const shift = rng.uniform(-this.maxChannels, this.maxChannels);
    if (s.channels < 2 || s.channelKind === 'moments' || s.channelKind === 'bands') return s;
    return shiftChannels(s, shift);
  }
}

export function shiftChannels(s: ImageSample, shift: number): ImageSample {
  const C = s.channels, data = new Float32Array(s.data.length);
  for (let i = 0; i < s.mask.length; i++) {
    for (let c = 0; c < C; c++) {
      const src = Math.min(C - 1, Math.max(0, c - shift));
      const lo = Math.floor(src), hi = Math.min(C - 1, lo + 1), f = src - lo;
      data[i * C + c] = (1 - f) * s.data[i * C + lo]! + f * s.data[i * C + hi]!;
    }
  }
  return { ...s, data };
}
