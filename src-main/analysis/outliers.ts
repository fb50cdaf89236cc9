// Anomaly score per item: the mean distance to its k nearest neighbours (Angiulli & Pizzuti's
// kNN-weight). Chosen over an isolation forest because its axis-parallel random cuts see an
// embedding's coordinates, which mean nothing on their own, while kNN distance uses the same metric
// as the similarity search and the maps, needs one parameter, is deterministic, and reuses the kNN graph.
import { checkEmbeddings, checkPositiveInteger } from './embeddings.ts';
import type { Embeddings, Metric, ProgressCallback } from './embeddings.ts';
import { AnalysisError } from './errors.ts';
import { knnGraph } from './knn-graph.ts';
import type { KnnGraph } from './knn-graph.ts';

export interface OutlierOptions {
  /** Neighbours averaged. Default 10. */
  readonly k?: number;
  readonly metric?: Metric;
  /** A kNN graph already computed on the same items, with at least k neighbours. */
  readonly graph?: KnnGraph;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

export interface OutlierScores {
  /** Mean distance to the k nearest neighbours; larger is stranger. */
  readonly scores: Float32Array;
  /** Item indices, strangest first. */
  readonly ranking: Uint32Array;
}

export async function outlierScores(e: Embeddings, options: OutlierOptions = {}): Promise<OutlierScores> {
  checkEmbeddings(e, 'outlierScores', 2);
  const k = options.k ?? Math.min(10, e.n - 1);
  checkPositiveInteger(k, 'k', 'outlierScores', e.n - 1);
  let graph = options.graph;
  if (graph && (graph.n !== e.n || graph.k < k)) {
    throw new AnalysisError('bad-parameter', 'outlierScores', `the graph has n=${graph.n}, k=${graph.k}; need n=${e.n}, k >= ${k}`);
  }
  graph ??= await knnGraph(e, k, { metric: options.metric ?? 'cosine', signal: options.signal, onProgress: options.onProgress });
  return scoresFromGraph(graph, k);
}

export function scoresFromGraph(graph: KnnGraph, k: number): OutlierScores {
  const { n } = graph;
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += graph.distances[i * graph.k + j];
    scores[i] = s / k;
  }
  const ranking = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  return { scores, ranking };
}
