// Test geometry: well-separated Gaussian blobs with known labels, plus clustering agreement (ARI).
import { Rng } from '../../../src-main/base/random.ts';

export interface Blobs {
  readonly data: Float32Array;
  readonly n: number;
  readonly d: number;
  readonly labels: Int32Array;
}

/** `clusters` blobs of `perCluster` items in d dimensions: centres ~ N(0, spread^2), unit-variance spread around them. */
export function gaussianBlobs(seed: number, clusters: number, perCluster: number, d: number, spread = 20): Blobs {
  const random = new Rng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: d }, () => spread * random.normal()));
  const n = clusters * perCluster;
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let t = 0; t < d; t++) data[i * d + t] = centres[c][t] + random.normal();
  }
  return { data, n, d, labels };
}

/** Adjusted Rand index (Hubert & Arabie): 1 for identical partitions up to renaming, ~0 for chance. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i], (rows.get(a[i]) ?? 0) + 1);
    cols.set(b[i], (cols.get(b[i]) ?? 0) + 1);
  }
  const pairs = (x: number) => (x * (x - 1)) / 2;
  let index = 0;
  for (const v of table.values()) index += pairs(v);
  let sumA = 0;
  for (const v of rows.values()) sumA += pairs(v);
  let sumB = 0;
  for (const v of cols.values()) sumB += pairs(v);
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Share of items whose nearest other item in a 2-D map has the same label. */
export function nearestNeighbourAccuracy(coordinates: Float32Array, labels: Int32Array): number {
  const n = labels.length;
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dd = (coordinates[2 * i] - coordinates[2 * j]) ** 2 + (coordinates[2 * i + 1] - coordinates[2 * j + 1]) ** 2;
      if (dd < bestD) {
        bestD = dd;
        best = j;
      }
    }
    if (labels[best] === labels[i]) ok++;
  }
  return ok / n;
}

/** Smallest distance between two map points of different labels over the largest within-label distance to the label's centre. */
export function separation(coordinates: Float32Array, labels: Int32Array): number {
  const n = labels.length;
  const k = Math.max(...labels) + 1;
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  const count = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    cx[labels[i]] += coordinates[2 * i];
    cy[labels[i]] += coordinates[2 * i + 1];
    count[labels[i]]++;
  }
  for (let c = 0; c < k; c++) {
    cx[c] /= count[c];
    cy[c] /= count[c];
  }
  let radius = 0;
  for (let i = 0; i < n; i++) radius = Math.max(radius, Math.hypot(coordinates[2 * i] - cx[labels[i]], coordinates[2 * i + 1] - cy[labels[i]]));
  let gap = Infinity;
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) gap = Math.min(gap, Math.hypot(cx[a] - cx[b], cy[a] - cy[b]));
  return gap / radius;
}
