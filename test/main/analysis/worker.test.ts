import { describe, expect, it } from 'vitest';
import { AnalysisError, hdbscan, runAnalysisInWorker, tsne } from '../../../src-main/analysis/index.ts';
import type { Progress } from '../../../src-main/analysis/index.ts';
import { gaussianBlobs } from './blobs.ts';

const blobs = gaussianBlobs(61, 4, 100, 12);

describe('runAnalysisInWorker', () => {
  it('gives the same t-SNE map as the calling thread, with progress events', async () => {
    const progress: Progress[] = [];
    const options = { perplexity: 15, iterations: 300, metric: 'euclidean' as const };
    const inWorker = await runAnalysisInWorker({ kind: 'tsne', embeddings: blobs, options }, { onProgress: (p) => progress.push(p) });
    const here = await tsne(blobs, options);
    expect(inWorker.coordinates).toEqual(here.coordinates);
    expect(progress.some((p) => p.stage === 'tsne')).toBe(true);
    expect(progress.at(-1)).toEqual({ stage: 'tsne', done: 300, total: 300 });
  });

  it('gives the same t-SNE map whether the gradient runs on 1 or 2 threads', async () => {
    const options = { perplexity: 15, iterations: 120, metric: 'euclidean' as const };
    const one = await tsne(blobs, { ...options, threads: 1 });
    const two = await tsne(blobs, { ...options, threads: 2 });
    expect(two.coordinates).toEqual(one.coordinates);
  });

  it('runs HDBSCAN, kNN graph, UMAP and outlier jobs', async () => {
    const clusters = await runAnalysisInWorker({ kind: 'hdbscan', embeddings: blobs, options: { minClusterSize: 10, metric: 'euclidean' } });
    expect(clusters).toEqual(await hdbscan(blobs, { minClusterSize: 10, metric: 'euclidean' }));
    const graph = await runAnalysisInWorker({ kind: 'knn-graph', embeddings: blobs, k: 5 });
    expect(graph.indices.length).toBe(blobs.n * 5);
    const map = await runAnalysisInWorker({ kind: 'umap', embeddings: blobs, options: { epochs: 50, seed: 3 } });
    expect(map.coordinates.length).toBe(blobs.n * 2);
    const outliers = await runAnalysisInWorker({ kind: 'outliers', embeddings: blobs, options: { k: 5 } });
    expect(outliers.ranking.length).toBe(blobs.n);
  });

  it('cancels: the promise rejects with the abort reason soon after the signal', async () => {
    const ac = new AbortController();
    const started = performance.now();
    const run = runAnalysisInWorker(
      { kind: 'tsne', embeddings: blobs, options: { iterations: 1_000_000 } },
      { signal: ac.signal, onProgress: (p) => p.stage === 'tsne' && ac.abort() },
    );
    await expect(run).rejects.toThrow(/abort/i);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('returns bad input as an AnalysisError naming the problem', async () => {
    const run = runAnalysisInWorker({ kind: 'umap', embeddings: { data: new Float32Array(5), n: 2, d: 3 } });
    await expect(run).rejects.toThrow(AnalysisError);
    const err = await runAnalysisInWorker({ kind: 'umap', embeddings: { data: new Float32Array(5), n: 2, d: 3 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalysisError);
    expect(err).toMatchObject({ code: 'bad-shape', where: 'umap', message: 'umap: data has 5 values, expected n*d = 2*3 = 6' });
  });
});
