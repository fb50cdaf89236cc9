import { describe, expect, it } from 'vitest';
import { AnalysisError, knnGraph, tsne, umap } from '../../../src-main/analysis/index.ts';
import { gaussianBlobs, nearestNeighbourAccuracy, separation } from './blobs.ts';

const blobs = gaussianBlobs(51, 5, 100, 16);

describe('tsne', () => {
  it('keeps well-separated blobs apart in 2-D, is reproducible, and lowers the KL divergence as it runs', async () => {
    const progress: number[] = [];
    const result = await tsne(blobs, { perplexity: 20, iterations: 400, metric: 'euclidean', onProgress: (p) => progress.push(p.done) });
    expect(result.coordinates.length).toBe(2 * blobs.n);
    expect(nearestNeighbourAccuracy(result.coordinates, blobs.labels)).toBe(1);
    expect(separation(result.coordinates, blobs.labels)).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(400);
    const again = await tsne(blobs, { perplexity: 20, iterations: 400, metric: 'euclidean' });
    expect(again.coordinates).toEqual(result.coordinates);
    const short = await tsne(blobs, { perplexity: 20, iterations: 260, metric: 'euclidean' });
    expect(result.klDivergence).toBeLessThan(short.klDivergence);
    expect(result.klDivergence).toBeGreaterThan(0);
  });

  it('uses a given kNN graph and stops on a signal', async () => {
    const graph = await knnGraph(blobs, 30, { metric: 'cosine' });
    const ac = new AbortController();
    const run = tsne(blobs, { perplexity: 10, iterations: 100_000, graph, signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toThrow(/abort/i);
    await expect(tsne(blobs, { perplexity: 600 })).rejects.toThrow(AnalysisError);
  });
});

describe('umap', () => {
  it('keeps well-separated blobs apart in 2-D and is reproducible from its seed', async () => {
    const progress: number[] = [];
    const result = await umap(blobs, { nNeighbors: 15, minDist: 0.1, seed: 7, epochs: 200, onProgress: (p) => progress.push(p.done) });
    expect(result.coordinates.length).toBe(2 * blobs.n);
    expect(nearestNeighbourAccuracy(result.coordinates, blobs.labels)).toBe(1);
    expect(progress.at(-1)).toBe(200);
    const again = await umap(blobs, { nNeighbors: 15, minDist: 0.1, seed: 7, epochs: 200 });
    expect(again.coordinates).toEqual(result.coordinates);
    const other = await umap(blobs, { nNeighbors: 15, minDist: 0.1, seed: 8, epochs: 200 });
    expect(other.coordinates).not.toEqual(result.coordinates);
  });

  it('stops on a signal and rejects bad parameters', async () => {
    const ac = new AbortController();
    const run = umap(blobs, { epochs: 100_000, signal: ac.signal, onProgress: (p) => p.stage === 'umap' && ac.abort() });
    await expect(run).rejects.toThrow(/abort/i);
    await expect(umap(blobs, { nNeighbors: 1 })).rejects.toThrow(AnalysisError);
    await expect(umap(blobs, { minDist: -1 })).rejects.toThrow(/minDist/);
  });
});
