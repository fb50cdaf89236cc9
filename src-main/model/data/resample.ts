// Resampling one plane onto the square working grid, keeping its aspect ratio.
//
// Why resample instead of grouping images by size (as astromorph did, one batch per size): fields
// from different surveys and pixel scales then share batches, the encoder always sees the whole
// field at one resolution, and batch statistics do not depend on which sizes happen to be together.
// Area averaging when shrinking keeps mean surface brightness and avoids aliasing noise into
// structure; bilinear when enlarging, since there is no information to add. The shorter side is
// padded with masked pixels rather than stretched, so an inclined disk keeps its axis ratio.

interface Taps { start: number; weights: Float64Array }

/** Per-output-pixel input taps along one axis of n input -> m output pixels; weights sum to 1. */
function axisTaps(n: number, m: number): Taps[] {
  const taps: Taps[] = [];
  const ratio = n / m;
  for (let i = 0; i < m; i++) {
    if (m <= n) {
      const a = i * ratio, b = (i + 1) * ratio;
      const start = Math.floor(a), end = Math.min(n, Math.ceil(b));
      const w = new Float64Array(end - start);
      for (let j = start; j < end; j++) w[j - start] = (Math.min(b, j + 1) - Math.max(a, j)) / ratio;
      taps.push({ start, weights: w });
    } else {
      const c = Math.min(Math.max((i + 0.5) * ratio - 0.5, 0), n - 1);
      const j0 = Math.min(Math.floor(c), n - 2 < 0 ? 0 : n - 2);
      const f = c - j0;
      taps.push(n === 1 ? { start: 0, weights: Float64Array.of(1) } : { start: j0, weights: Float64Array.of(1 - f, f) });
    }
  }
  return taps;
}

export interface Placement { size: number; width: number; height: number; x0: number; y0: number }

/** Where a width x height field lands inside the size x size grid (centred, aspect kept). */
export function placement(width: number, height: number, size: number): Placement {
  const scale = size / Math.max(width, height);
  const w = Math.max(1, Math.min(size, Math.round(width * scale)));
  const h = Math.max(1, Math.min(size, Math.round(height * scale)));
  return { size, width: w, height: h, x0: Math.floor((size - w) / 2), y0: Math.floor((size - h) / 2) };
}

export interface Resampled {
  /** size*size values, mean of the valid input pixels under each output pixel (0 where none). */
  values: Float32Array;
  /** size*size fraction (0-1) of each output pixel covered by valid input pixels; 0 in the padding. */
  coverage: Float32Array;
}

/** A reusable resampler for planes of one shape (cubes resample many planes with the same taps). */
export class PlaneResampler {
  readonly place: Placement;
  readonly #inW: number; readonly #inH: number;
  readonly #xTaps: Taps[]; readonly #yTaps: Taps[];
  readonly #rowV: Float64Array; readonly #rowW: Float64Array;

  constructor(width: number, height: number, size: number) {
    this.#inW = width; this.#inH = height;
    this.place = placement(width, height, size);
    this.#xTaps = axisTaps(width, this.place.width);
    this.#yTaps = axisTaps(height, this.place.height);
    this.#rowV = new Float64Array(height * this.place.width);
    this.#rowW = new Float64Array(height * this.place.width);
  }

  /** NaN/Infinity (NaN being BLANK once read) are the invalid pixels. */
  resample(plane: ArrayLike<number>): Resampled {
    const W = this.#inW, H = this.#inH, { size, width: w, height: h, x0, y0 } = this.place;
    const rowV = this.#rowV, rowW = this.#rowW;
    for (let y = 0; y < H; y++) {
      for (let i = 0; i < w; i++) {
        const { start, weights } = this.#xTaps[i]!;
        let v = 0, wt = 0;
        for (let k = 0; k < weights.length; k++) {
          const p = plane[y * W + start + k]!;
          if (!Number.isFinite(p)) continue;
          v += weights[k]! * p; wt += weights[k]!;
        }
        rowV[y * w + i] = v; rowW[y * w + i] = wt;
      }
    }
    const values = new Float32Array(size * size), coverage = new Float32Array(size * size);
    for (let j = 0; j < h; j++) {
      const { start, weights } = this.#yTaps[j]!;
      for (let i = 0; i < w; i++) {
        let v = 0, wt = 0;
        for (let k = 0; k < weights.length; k++) {
          v += weights[k]! * rowV[(start + k) * w + i]!;
          wt += weights[k]! * rowW[(start + k) * w + i]!;
        }
        const o = (j + y0) * size + i + x0;
        values[o] = wt > 1e-12 ? v / wt : 0;
        coverage[o] = wt;
      }
    }
    return { values, coverage };
  }
}
