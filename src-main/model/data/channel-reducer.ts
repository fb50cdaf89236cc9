// Reduces the planes of a cube, one at a time, to C channels on the working grid: memory stays at
// a few S x S x C arrays however many planes the cube has.
//   'bin':     C contiguous groups of planes averaged (fewer planes than C: nearest plane repeated).
//   'spectrum': C channels on a velocity window over the line, each a weighted mean of the planes
//              it overlaps (weights from spectral-window.ts).
//   'moments': moment 0 (integrated intensity), 1 (intensity-weighted velocity, channel index mapped
//              to [-1, 1]) and 2 (velocity dispersion), from pixels above 3 sigma in each plane;
//              C = 1, 2 or 3 keeps the first C moments.
// A 2-D image is a cube of one plane: 'bin' repeats it in every channel, so an image fed to a cube
// model looks like a source with a flat spectrum; 'moments' gives [image, 0, 0] (no velocity information).
import type { Resampled } from './resample.ts';

export class ChannelReducer {
  readonly channels: number;
  readonly #mode: 'bin' | 'moments' | 'spectrum';
  readonly #planes: number;
  readonly #n: number; // pixels on the working grid
  readonly #sum: Float64Array[];
  readonly #weight: Float64Array[];
  /** 'spectrum': planeWeights[c][k], the share of plane k in channel c. */
  readonly #planeWeights: Float64Array[] | undefined;

  constructor(mode: 'bin' | 'moments' | 'spectrum', channels: number, planes: number, pixels: number, planeWeights?: Float64Array[]) {
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channels must be a positive integer, got ${channels}`);
    if (mode === 'moments' && channels > 3) throw new RangeError(`cube mode 'moments' gives at most 3 channels (moments 0, 1, 2), ${channels} asked`);
    if (mode === 'spectrum' && planeWeights?.length !== channels) throw new RangeError(`cube mode 'spectrum' needs ${channels} rows of plane weights`);
    this.#mode = mode; this.channels = channels; this.#planes = planes; this.#n = pixels;
    this.#planeWeights = planeWeights;
    const arrays = mode === 'moments' ? 3 : channels;
    this.#sum = Array.from({ length: arrays }, () => new Float64Array(pixels));
    this.#weight = Array.from({ length: mode === 'moments' ? 1 : channels }, () => new Float64Array(pixels));
  }

  /** Plane indices (along the channel axis) this reducer needs, in order. */
  planesNeeded(): number[] {
    if (this.#mode === 'spectrum') {
      return Array.from({ length: this.#planes }, (_, k) => k).filter((k) => this.#planeWeights!.some((w) => w[k]! > 0));
    }
    if (this.#mode === 'bin' && this.#planes < this.channels) {
      return [...new Set(Array.from({ length: this.channels }, (_, c) => Math.floor((c * this.#planes) / this.channels)))];
    }
    return Array.from({ length: this.#planes }, (_, k) => k);
  }

  add(k: number, plane: Resampled): void {
    const { values, coverage } = plane;
    if (this.#mode === 'spectrum') {
      for (let c = 0; c < this.channels; c++) {
        const share = this.#planeWeights![c]![k]!;
        if (!(share > 0)) continue;
        const s = this.#sum[c]!, w = this.#weight[c]!;
        for (let i = 0; i < this.#n; i++) { s[i]! += share * values[i]! * coverage[i]!; w[i]! += share * coverage[i]!; }
      }
      return;
    }
    if (this.#mode === 'bin') {
      for (let c = 0; c < this.channels; c++) {
        const lo = Math.floor((c * this.#planes) / this.channels);
        const hi = Math.max(lo + 1, Math.floor(((c + 1) * this.#planes) / this.channels));
        if (k < lo || k >= hi) continue;
        const s = this.#sum[c]!, w = this.#weight[c]!;
        for (let i = 0; i < this.#n; i++) { s[i]! += values[i]! * coverage[i]!; w[i]! += coverage[i]!; }
      }
      return;
    }
    // Moments: 3-sigma threshold from the plane's median absolute deviation (noise dominates most pixels).
    // A single plane (a 2-D image) is its own moment 0, unthresholded, like 'bin' would give.
    const sigma = this.#planes > 1 ? robustSigma(values, coverage) : -Infinity;
    const v = this.#planes > 1 ? (2 * k) / (this.#planes - 1) - 1 : 0;
    const [m0, m1, m2] = this.#sum as [Float64Array, Float64Array, Float64Array];
    const w = this.#weight[0]!;
    for (let i = 0; i < this.#n; i++) {
      if (coverage[i]! < 0.5) continue;
      w[i]! += 1;
      const x = values[i]!;
      if (!(x > 3 * sigma)) continue;
      m0[i]! += x; m1[i]! += x * v; m2[i]! += x * v * v;
    }
  }

  /** Channel c as an S*S plane and the pixels valid in every channel. */
  finish(): { planes: Float32Array[]; valid: Uint8Array } {
    const n = this.#n;
    const valid = new Uint8Array(n);
    const planes = Array.from({ length: this.channels }, () => new Float32Array(n));
    if (this.#mode === 'spectrum') {
      // A channel beyond the band has no planes: no emission there, and it masks nothing.
      const inBand = this.#planeWeights!.map((w) => w.some((x) => x > 0));
      for (let i = 0; i < n; i++) {
        let ok = 1;
        for (let c = 0; c < this.channels; c++) {
          if (!inBand[c]) continue;
          const w = this.#weight[c]![i]!;
          if (w < 0.5) { ok = 0; continue; }
          planes[c]![i] = this.#sum[c]![i]! / w;
        }
        valid[i] = ok;
      }
      return { planes, valid };
    }
    if (this.#mode === 'bin') {
      for (let i = 0; i < n; i++) {
        let ok = 1;
        for (let c = 0; c < this.channels; c++) {
          const w = this.#weight[c]![i]!;
          // Valid where at least half of the channel's area was covered by valid input pixels.
          if (w < 0.5 * this.#binWidth(c)) { ok = 0; continue; }
          planes[c]![i] = this.#sum[c]![i]! / w;
        }
        valid[i] = ok;
      }
      return { planes, valid };
    }
    const [m0, m1, m2] = this.#sum as [Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < n; i++) {
      if (this.#weight[0]![i]! < 0.5 * this.#planes) continue;
      valid[i] = 1;
      const s = m0[i]!;
      planes[0]![i] = s;
      if (s <= 0) continue;
      const mean = m1[i]! / s;
      if (this.channels > 1) planes[1]![i] = mean;
      if (this.channels > 2) planes[2]![i] = Math.sqrt(Math.max(0, m2[i]! / s - mean * mean));
    }
    return { planes, valid };
  }

  #binWidth(c: number): number {
    const lo = Math.floor((c * this.#planes) / this.channels);
    return Math.max(lo + 1, Math.floor(((c + 1) * this.#planes) / this.channels)) - lo;
  }
}

function robustSigma(values: Float32Array, coverage: Float32Array): number {
  const picked: number[] = [];
  for (let i = 0; i < values.length; i++) if (coverage[i]! >= 0.5) picked.push(values[i]!);
  if (picked.length === 0) return Infinity;
  const sorted = Float64Array.from(picked).sort();
  const median = sorted[sorted.length >> 1]!;
  const dev = sorted.map((x) => Math.abs(x - median)).sort();
  return 1.4826 * dev[dev.length >> 1]!;
}
