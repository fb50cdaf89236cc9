import { describe, expect, it } from 'vitest';
import { AnalysisError, hdbscan, kMeans, knnGraph } from '../../../src-main/analysis/index.ts';
import { Rng } from '../../../src-main/base/random.ts';
import { adjustedRandIndex, gaussianBlobs } from './blobs.ts';

describe('kMeans', () => {
  it('recovers well-separated blobs (ARI = 1) and is reproducible from its seed', () => {
    const blobs = gaussianBlobs(11, 6, 80, 12);
    const result = kMeans(blobs, 6, { seed: 3 });
    expect(adjustedRandIndex(result.labels, blobs.labels)).toBe(1);
    expect(result.centroids.length).toBe(6 * 12);
    // Inertia of the true partition is ~ n*d (unit variance per coordinate).
    expect(result.inertia / (blobs.n * blobs.d)).toBeGreaterThan(0.8);
    expect(result.inertia / (blobs.n * blobs.d)).toBeLessThan(1.2);
    expect(kMeans(blobs, 6, { seed: 3 }).labels).toEqual(result.labels);
  });

  it('puts each centroid at the mean of its items', () => {
    const blobs = gaussianBlobs(12, 3, 50, 5);
    const { labels, centroids } = kMeans(blobs, 3, { seed: 1 });
    for (let c = 0; c < 3; c++) {
      const members = Array.from(labels.keys()).filter((i) => labels[i] === c);
      for (let t = 0; t < 5; t++) {
        const mean = members.reduce((s, i) => s + blobs.data[i * 5 + t], 0) / members.length;
        expect(centroids[c * 5 + t]).toBeCloseTo(mean, 4);
      }
    }
  });

  it('rejects k larger than n', () => {
    expect(() => kMeans({ data: new Float32Array(6), n: 3, d: 2 }, 4)).toThrow(AnalysisError);
  });
});

describe('hdbscan', () => {
  for (const path of ['exact MST', 'kNN-graph MST'] as const) {
    it(`finds the blobs without k and marks isolated points as noise (${path})`, async () => {
      const blobs = gaussianBlobs(21, 5, 100, 10);
      // Ten isolated points far from every blob and from each other.
      const random = new Rng(22);
      const extra = 10;
      const n = blobs.n + extra;
      const d = blobs.d;
      const data = new Float32Array(n * d);
      data.set(blobs.data);
      for (let i = blobs.n; i < n; i++) for (let t = 0; t < d; t++) data[i * d + t] = 300 * random.normal();
      const result = await hdbscan(
        { data, n, d },
        { minClusterSize: 15, metric: 'euclidean', exactLimit: path === 'exact MST' ? 20_000 : 0 },
      );
      expect(result.clusterCount).toBe(5);
      expect(adjustedRandIndex(result.labels.subarray(0, blobs.n), blobs.labels)).toBe(1);
      expect(Array.from(result.labels.subarray(blobs.n))).toEqual(new Array(extra).fill(-1));
      expect(result.stabilities.length).toBe(5);
      expect(result.stabilities.every((s) => s > 0)).toBe(true);
    });
  }

  it('separates clusters of different density and size, with cosine on directions', async () => {
    // Three groups along different directions, with different spreads and sizes.
    const random = new Rng(31);
    const d = 8;
    const sizes = [200, 60, 120];
    const spreads = [0.02, 0.05, 0.1];
    const n = sizes.reduce((a, b) => a + b, 0);
    const data = new Float32Array(n * d);
    const labels = new Int32Array(n);
    let i = 0;
    sizes.forEach((size, c) => {
      for (let s = 0; s < size; s++, i++) {
        labels[i] = c;
        for (let t = 0; t < d; t++) data[i * d + t] = (t === c ? 1 : 0) + spreads[c] * random.normal() + (t === 7 ? 0.3 : 0);
      }
    });
    const graph = await knnGraph({ data, n, d }, 10, { metric: 'cosine' });
    const result = await hdbscan({ data, n, d }, { minClusterSize: 20, minSamples: 5, metric: 'cosine', graph });
    expect(result.clusterCount).toBe(3);
    const clustered = Array.from(labels.keys()).filter((j) => result.labels[j] >= 0);
    expect(clustered.length).toBeGreaterThan(0.9 * n);
    expect(adjustedRandIndex(clustered.map((j) => result.labels[j]), clustered.map((j) => labels[j]))).toBe(1);
  });
});
