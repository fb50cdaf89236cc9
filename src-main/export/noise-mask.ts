// Figure 2 of the astromorph paper: thumbnails with the noise masked. An adaptive threshold per image,
// from a Gaussian fitted to the core of its pixel distribution: the pixels are normalised by a robust
// first guess (median, MAD), a histogram of the core is fitted (a parabola to the log of the counts,
// weighted by the counts), and the core is re-centred on the fit a few times. The core reaches 2.5
// sigma below the mean but only 1 sigma above, where sources would bias the fit. Pixels below
// mean + k sigma become transparent.

export interface NoiseFit {
  /** Mean and standard deviation of the fitted Gaussian, in the values' own units. */
  mean: number;
  sigma: number;
  /** mean + k sigma: pixels below it are noise. */
  threshold: number;
  /** Peak above the mean in units of sigma: how bright the source is (brighter drawn on top). */
  peakSnr: number;
}

export const DEFAULT_NOISE_SIGMAS = 3;
const CORE_BELOW = 2.5;
const CORE_ABOVE = 1;
const BINS_PER_SIGMA = 6;

/**
 * The noise of an image as a Gaussian fitted to its pixel distribution, or null when it has too few
 * finite pixels or no spread. `quantum`: the step between possible values (1 for 8-bit gray levels),
 * so bins never split one level.
 */
export function fitNoise(values: ArrayLike<number>, sigmas = DEFAULT_NOISE_SIGMAS, quantum = 0): NoiseFit | null {
  const finite: number[] = [];
  let peak = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      finite.push(v);
      if (v > peak) peak = v;
    }
  }
  if (finite.length < 16) return null;
  const sorted = Float64Array.from(finite).sort();
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
  const median = quantile(0.5);
  const deviations = Float64Array.from(sorted, (v) => Math.abs(v - median)).sort();
  // Normalisation: median and MAD (as sigma of a Gaussian), falling back to the interquartile range.
  let sigma = 1.4826 * deviations[Math.floor(deviations.length / 2)]!;
  if (!(sigma > 0)) sigma = (quantile(0.75) - quantile(0.25)) / 1.349;
  if (!(sigma > 0)) sigma = quantum;
  if (!(sigma > 0)) return null;
  let mean = median;
  for (let iteration = 0; iteration < 6; iteration++) {
    const fitted = fitCore(sorted, mean, sigma, quantum);
    if (fitted === null) break;
    const moved = Math.abs(fitted.mean - mean) / sigma + Math.abs(fitted.sigma / sigma - 1);
    ({ mean, sigma } = fitted);
    if (moved < 1e-4) break;
  }
  return { mean, sigma, threshold: mean + sigmas * sigma, peakSnr: (peak - mean) / sigma };
}

/** One Gaussian fit to the histogram of the values in [mean - 2.5 sigma, mean + 1 sigma]. */
function fitCore(sorted: Float64Array, mean: number, sigma: number, quantum: number): { mean: number; sigma: number } | null {
  const width = Math.max(sigma / BINS_PER_SIGMA, quantum);
  // Bins centred on multiples of the quantum (gray levels), or on the mean.
  const origin = quantum > 0 ? Math.round(mean / quantum) * quantum : mean;
  const first = Math.floor((mean - CORE_BELOW * sigma - origin) / width + 0.5);
  const last = Math.ceil((mean + CORE_ABOVE * sigma - origin) / width - 0.5);
  const bins = last - first + 1;
  if (bins < 3 || bins > 10_000) return null;
  const counts = new Float64Array(bins);
  const lo = origin + (first - 0.5) * width;
  for (const v of sorted) {
    const k = Math.floor((v - lo) / width);
    if (k >= 0 && k < bins) counts[k]!++;
  }
  // Weighted least squares of ln(count) = a + b t + c t^2, t = (x - mean) / sigma for conditioning.
  const s = new Float64Array(5);
  const r = new Float64Array(3);
  let used = 0;
  for (let k = 0; k < bins; k++) {
    const n = counts[k]!;
    if (n < 1) continue;
    used++;
    const t = (origin + (first + k) * width - mean) / sigma;
    const y = Math.log(n);
    let p = n;
    for (let e = 0; e < 5; e++) {
      s[e]! += p;
      if (e < 3) r[e]! += p * y;
      p *= t;
    }
  }
  if (used < 3) return null;
  const [a, b, c] = solve3([[s[0]!, s[1]!, s[2]!], [s[1]!, s[2]!, s[3]!], [s[2]!, s[3]!, s[4]!]], [r[0]!, r[1]!, r[2]!]) ?? [];
  if (a === undefined || b === undefined || c === undefined || !(c < 0)) return null;
  const t0 = -b / (2 * c);
  const st = Math.sqrt(-1 / (2 * c));
  if (!Number.isFinite(t0) || !Number.isFinite(st) || Math.abs(t0) > 3) return null;
  return { mean: mean + t0 * sigma, sigma: st * sigma };
}

function solve3(m: number[][], v: number[]): [number, number, number] | null {
  const det = (x: number[][]) => x[0]![0]! * (x[1]![1]! * x[2]![2]! - x[1]![2]! * x[2]![1]!)
    - x[0]![1]! * (x[1]![0]! * x[2]![2]! - x[1]![2]! * x[2]![0]!) + x[0]![2]! * (x[1]![0]! * x[2]![1]! - x[1]![1]! * x[2]![0]!);
  const d = det(m);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-300) return null;
  const col = (k: number) => det(m.map((row, i) => row.map((x, j) => (j === k ? v[i]! : x))));
  return [col(0) / d, col(1) / d, col(2) / d];
}

/** Sets alpha to 0 where the value is below the threshold (or not finite); `rgba` is row for row as `values`, or flipped. */
export function maskBelow(rgba: Uint8ClampedArray | Uint8Array, values: ArrayLike<number>, width: number, threshold: number, flipY = false): void {
  const height = values.length / width;
  for (let y = 0; y < height; y++) {
    const row = flipY ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x]!;
      if (!(v >= threshold)) rgba[(row * width + x) * 4 + 3] = 0;
    }
  }
}
