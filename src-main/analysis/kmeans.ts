// k-means (Lloyd) with k-means++ seeding and several seeded restarts, keeping the lowest inertia.
// Euclidean on the rows as given; normalise rows first for a cosine-like (spherical) clustering.
import { checkEmbeddings, checkPositiveInteger } from './embeddings.ts';
import type { Embeddings } from './embeddings.ts';
import { Rng } from '../base/random.ts';

export interface KMeansOptions {
  readonly seed?: number;
  /** Independent k-means++ starts; the best (lowest inertia) wins. Default 4. */
  readonly restarts?: number;
  readonly maxIterations?: number;
  /** Stop when no centroid moves more than this (squared, relative to the data's variance). */
  readonly tolerance?: number;
}

export interface KMeansResult {
  /** Cluster of each item, 0..k-1. */
  readonly labels: Int32Array;
  /** k x d row-major. */
  readonly centroids: Float32Array;
  /** Sum of squared distances of items to their centroid. */
  readonly inertia: number;
  readonly iterations: number;
}

export function kMeans(e: Embeddings, k: number, options: KMeansOptions = {}): KMeansResult {
  checkEmbeddings(e, 'kMeans', 1);
  checkPositiveInteger(k, 'k', 'kMeans', e.n);
  const restarts = options.restarts ?? 4;
  checkPositiveInteger(restarts, 'restarts', 'kMeans');
  const random = new Rng(options.seed ?? 1);
  let best: KMeansResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const result = lloyd(e, k, plusPlus(e, k, random), options.maxIterations ?? 300, options.tolerance ?? 1e-8);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}

/** k-means++: each new centre drawn with probability proportional to squared distance to the nearest chosen one. */
function plusPlus(e: Embeddings, k: number, random: Rng): Float64Array {
  const { data, n, d } = e;
  const centres = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = random.int(n);
  for (let c = 0; c < k; c++) {
    for (let t = 0; t < d; t++) centres[c * d + t] = data[pick * d + t];
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = data[i * d + t] - centres[c * d + t];
        s += v * v;
      }
      if (s < nearest[i]) nearest[i] = s;
      total += nearest[i];
    }
    if (c + 1 === k) break;
    if (total === 0) {
      pick = random.int(n);
      continue;
    }
    let target = random.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) {
        pick = i;
        break;
      }
    }
  }
  return centres;
}

function lloyd(e: Embeddings, k: number, centres: Float64Array, maxIterations: number, tolerance: number): KMeansResult {
  const { data, n, d } = e;
  const labels = new Int32Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let scale = 0;
  for (let i = 0; i < data.length; i++) scale += data[i] * data[i];
  scale = Math.max(scale / n, 1e-300);
  let inertia = 0;
  let iterations = 0;
  for (let iter = 0; iter < maxIterations; iter++) {
    iterations = iter + 1;
    inertia = 0;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let bestC = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const co = c * d;
        let s = 0;
        for (let t = 0; t < d; t++) {
          const v = data[o + t] - centres[co + t];
          s += v * v;
          if (s >= bestD) break;
        }
        if (s < bestD) {
          bestD = s;
          bestC = c;
        }
      }
      labels[i] = bestC;
      inertia += bestD;
      counts[bestC]++;
      for (let t = 0; t < d; t++) sums[bestC * d + t] += data[o + t];
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster takes the item farthest from its centre, so k clusters survive.
        let far = 0;
        let farD = -1;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let t = 0; t < d; t++) {
            const v = data[i * d + t] - centres[labels[i] * d + t];
            s += v * v;
          }
          if (s > farD) {
            farD = s;
            far = i;
          }
        }
        for (let t = 0; t < d; t++) centres[c * d + t] = data[far * d + t];
        shift = Infinity;
        continue;
      }
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = sums[c * d + t] / counts[c];
        s += (v - centres[c * d + t]) ** 2;
        centres[c * d + t] = v;
      }
      shift = Math.max(shift, s);
    }
    if (shift / scale <= tolerance) break;
  }
  return { labels, centroids: Float32Array.from(centres), inertia, iterations };
}
