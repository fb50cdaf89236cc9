// The k-nearest-neighbour graph of a run's vectors, computed once (on a worker thread) and kept in
// the project: t-SNE, UMAP, density clusters and outlier scores all start from it, so after the first
// of them the others skip the slow all-pairs step.
import { runAnalysisInWorker } from '../../../analysis/index.ts';
import type { KnnGraph } from '../../../analysis/index.ts';
import type { Project } from '../../../project/index.ts';
import { embeddingsOf } from './embedding-run.ts';
import type { RunEmbeddings } from './embedding-run.ts';
import type { ComputeOptions } from './embedding-run.ts';
import type { SimilarityMetric } from '../../contract/exploration.ts';

/** Computing more neighbours than asked costs little extra and lets later requests reuse the graph. */
const MIN_STORED_K = 15;

export async function neighbourGraph(
  project: Project, re: RunEmbeddings, metric: SimilarityMetric, k: number, opts: ComputeOptions = {},
): Promise<KnnGraph> {
  const n = re.set.itemIds.length;
  const stored = project.knnGraphs.find(re.run.id, metric, re.fingerprint, k);
  if (stored && stored.itemIds.length === n) {
    return { n, k: stored.k, metric, indices: stored.indices, distances: stored.distances, approximate: stored.approximate };
  }
  const want = Math.min(n - 1, Math.max(k, MIN_STORED_K));
  const g = await runAnalysisInWorker({ kind: 'knn-graph', embeddings: embeddingsOf(re.set), k: want, options: { metric } }, opts);
  // slice(): plain copies, since the worker's arrays live in shared memory.
  const graph: KnnGraph = { n, k: g.k, metric, indices: g.indices.slice(), distances: g.distances.slice(), approximate: g.approximate };
  // The stored graph is only a cache: a read-only project computes it and keeps it to itself.
  if (!project.readOnly) project.knnGraphs.save({
    runId: re.run.id, metric, k: graph.k, embeddings: re.fingerprint, approximate: graph.approximate, itemIds: re.set.itemIds,
    indices: graph.indices, distances: graph.distances,
  });
  return graph;
}
