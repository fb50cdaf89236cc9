// UMAP to a 2-D map through umap-js, driven epoch by epoch (initializeFit/step) so it reports
// progress and stops on a signal. The neighbour graph always comes from our knnGraph: exact and
// multi-threaded up to 20,000 items, HNSW above; umap-js's own NN-descent on number[][] is slower.
import { UMAP } from 'umap-js';
import { checkEmbeddings, checkPositiveInteger } from './embeddings.ts';
import type { Embeddings, Metric, ProgressCallback } from './embeddings.ts';
import { AnalysisError } from './errors.ts';
import { knnGraph } from './knn-graph.ts';
import type { KnnGraph } from './knn-graph.ts';
import { Rng } from '../base/random.ts';

export interface UmapOptions {
  /** Neighbourhood size, the item itself included (as in umap-learn). Default 15. */
  readonly nNeighbors?: number;
  readonly minDist?: number;
  readonly spread?: number;
  /** Default: umap-js's choice (500 epochs for small n, 200 above 10,000 items). */
  readonly epochs?: number;
  readonly metric?: Metric;
  readonly seed?: number;
  /** A kNN graph already computed on the same items with at least nNeighbors - 1 neighbours. */
  readonly graph?: KnnGraph;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

export interface UmapResult {
  /** n x 2, row-major. */
  readonly coordinates: Float32Array;
  readonly epochs: number;
}

export async function umap(e: Embeddings, options: UmapOptions = {}): Promise<UmapResult> {
  checkEmbeddings(e, 'umap', 3);
  const { n } = e;
  const nNeighbors = options.nNeighbors ?? 15;
  checkPositiveInteger(nNeighbors, 'nNeighbors', 'umap', n - 1);
  if (nNeighbors < 2) throw new AnalysisError('bad-parameter', 'umap', 'nNeighbors must be at least 2');
  const minDist = options.minDist ?? 0.1;
  if (!(minDist >= 0)) throw new AnalysisError('bad-parameter', 'umap', `minDist must be >= 0 (got ${minDist})`);
  if (options.epochs !== undefined) checkPositiveInteger(options.epochs, 'epochs', 'umap');
  const random = new Rng(options.seed ?? 1);
  const k = nNeighbors - 1;
  const graph =
    options.graph && options.graph.n === n && options.graph.k >= k
      ? options.graph
      : await knnGraph(e, k, { metric: options.metric ?? 'cosine', seed: options.seed, signal: options.signal, onProgress: options.onProgress });

  // umap-learn's convention: each row starts with the item itself at distance 0.
  const knnIndices: number[][] = new Array(n);
  const knnDistances: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const ids = [i];
    const ds = [0];
    for (let j = 0; j < k; j++) {
      ids.push(graph.indices[i * graph.k + j]);
      ds.push(graph.distances[i * graph.k + j]);
    }
    knnIndices[i] = ids;
    knnDistances[i] = ds;
  }
  const model = new UMAP({
    nComponents: 2,
    nNeighbors,
    minDist,
    spread: options.spread ?? 1,
    nEpochs: options.epochs,
    random: () => random.next(),
  });
  model.setPrecomputedKNN(knnIndices, knnDistances);
  // With the graph given, umap-js reads only X.length (no distances), so the rows can stay empty.
  const placeholder: number[][] = new Array(n).fill([]);
  options.onProgress?.({ stage: 'umap (fuzzy graph)', done: 0, total: 1 });
  const epochs = model.initializeFit(placeholder);
  options.signal?.throwIfAborted();
  let last = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    model.step();
    if (performance.now() - last > 50 || epoch + 1 === epochs) {
      options.onProgress?.({ stage: 'umap', done: epoch + 1, total: epochs });
      await new Promise((r) => setImmediate(r));
      options.signal?.throwIfAborted();
      last = performance.now();
    }
  }
  const embedding = model.getEmbedding();
  const coordinates = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    coordinates[2 * i] = embedding[i][0];
    coordinates[2 * i + 1] = embedding[i][1];
  }
  return { coordinates, epochs };
}
