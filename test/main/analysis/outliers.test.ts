import { describe, expect, it } from 'vitest';
import { AnalysisError, knnGraph, outlierScores } from '../../../src-main/analysis/index.ts';
import { Rng } from '../../../src-main/base/random.ts';
import { gaussianBlobs } from './blobs.ts';

describe('outlierScores', () => {
  it('ranks injected far points first, with scores equal to the mean kNN distance', async () => {
    const blobs = gaussianBlobs(41, 4, 150, 16);
    const random = new Rng(42);
    const extra = 6;
    const n = blobs.n + extra;
    const d = blobs.d;
    const data = new Float32Array(n * d);
    data.set(blobs.data);
    // Injected items sit at varied positions well away from every blob, at increasing distance.
    const injected: number[] = [];
    for (let e = 0; e < extra; e++) {
      const i = (e * 97 + 13) % n; // scattered positions, not the tail
      injected.push(i);
    }
    // Blob items fill the other slots in order; far points go to the injected slots.
    let next = 0;
    for (let i = 0; i < n; i++) {
      if (injected.includes(i)) {
        const e = injected.indexOf(i);
        for (let t = 0; t < d; t++) data[i * d + t] = (150 + 50 * e) * random.normal();
      } else {
        data.set(blobs.data.subarray(next * d, next * d + d), i * d);
        next++;
      }
    }
    const result = await outlierScores({ data, n, d }, { k: 5, metric: 'euclidean' });
    expect(new Set(result.ranking.subarray(0, extra))).toEqual(new Set(injected));
    for (let r = 1; r < n; r++) expect(result.scores[result.ranking[r - 1]]).toBeGreaterThanOrEqual(result.scores[result.ranking[r]]);
    const graph = await knnGraph({ data, n, d }, 5, { metric: 'euclidean' });
    const i = injected[2];
    let mean = 0;
    for (let j = 0; j < 5; j++) mean += graph.distances[i * 5 + j];
    expect(result.scores[i] / (mean / 5)).toBeCloseTo(1, 6);
  });

  it('refuses a graph that does not match', async () => {
    const blobs = gaussianBlobs(43, 2, 20, 4);
    const graph = await knnGraph(blobs, 3);
    await expect(outlierScores(blobs, { k: 5, graph })).rejects.toThrow(AnalysisError);
  });
});
