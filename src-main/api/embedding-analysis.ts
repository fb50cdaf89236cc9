// Maps, clusters, outlier scores and similarity over one run's stored embeddings for the desktop views,
// as typed arrays in the run's item order. Maps come from maps.ts (stored in the project, t-SNE and UMAP
// on a worker thread so the host stays responsive); clusters, outliers and the similarity index are
// computed here on demand and kept per run while the project is open.
import { kMeans, outlierScores, SimilarityIndex } from '../analysis/index.ts';
import type { Embeddings } from '../analysis/index.ts';
import type { Project } from '../project/index.ts';
import { ApiError } from './errors.ts';
import { computeMap } from './maps.ts';
import type { ProjectSession } from './project-session.ts';
import type { ClusterData, EmbeddingMapData, MapAlgorithm, MapProgress, OutlierData, SimilarityResult } from './desktop-contract.ts';

interface RunCache {
  itemIds: Int32Array;
  rowOf: Map<number, number>;
  embeddings: Embeddings;
  maps: Map<MapAlgorithm, EmbeddingMapData>;
  clusters: Map<number, ClusterData>;
  outliers?: OutlierData;
  index?: SimilarityIndex;
}

export class EmbeddingAnalysis {
  readonly #session: ProjectSession;
  readonly #runs = new Map<number, RunCache>();

  constructor(session: ProjectSession) {
    this.#session = session;
  }

  get #project(): Project {
    return this.#session.project;
  }

  /** Drop what was computed for a run (it was re-embedded). */
  forget(runId: number): void {
    this.#runs.delete(runId);
  }

  #run(runId: number): RunCache {
    let cache = this.#runs.get(runId);
    if (cache) return cache;
    const set = this.#project.embeddings.all(runId);
    if (set.itemIds.length < 3) {
      throw new ApiError('no-data', `run ${runId} has ${set.itemIds.length} embedded item(s); embed the run first (a map needs at least 3)`);
    }
    const itemIds = Int32Array.from(set.itemIds);
    cache = {
      itemIds,
      rowOf: new Map(set.itemIds.map((id, i) => [id, i])),
      embeddings: { data: set.vectors, n: set.itemIds.length, d: set.dim },
      maps: new Map(),
      clusters: new Map(),
    };
    this.#runs.set(runId, cache);
    return cache;
  }

  async map(runId: number, method: MapAlgorithm, signal: AbortSignal, onProgress: (p: MapProgress) => void): Promise<EmbeddingMapData> {
    const cache = this.#run(runId);
    const known = cache.maps.get(method);
    if (known) return known;
    const started = performance.now();
    const view = await computeMap(this.#session, { runId, method }, { signal, onProgress: (p) => onProgress({ runId, method, ...p }) });
    const stored = this.#project.maps.get(view.id);
    if (!stored) throw new ApiError('no-data', `map ${view.id} of run ${runId} vanished from the project`);
    // In the run's item order, so clusters and outlier scores line up with the points.
    const coordinates = new Float32Array(2 * cache.itemIds.length).fill(Number.NaN);
    stored.itemIds.forEach((id, k) => {
      const row = cache.rowOf.get(id);
      if (row !== undefined) {
        coordinates[2 * row] = stored.coords[2 * k];
        coordinates[2 * row + 1] = stored.coords[2 * k + 1];
      }
    });
    const result = { runId, method, itemIds: cache.itemIds, coordinates, seconds: (performance.now() - started) / 1000 };
    cache.maps.set(method, result);
    return result;
  }

  clusters(runId: number, k: number): ClusterData {
    const cache = this.#run(runId);
    const kk = Math.min(k, cache.embeddings.n);
    let known = cache.clusters.get(kk);
    if (!known) {
      known = { runId, k: kk, labels: kMeans(cache.embeddings, kk, { seed: 1 }).labels };
      cache.clusters.set(kk, known);
    }
    return known;
  }

  async outliers(runId: number, signal: AbortSignal): Promise<OutlierData> {
    const cache = this.#run(runId);
    if (!cache.outliers) {
      const { scores } = await outlierScores(cache.embeddings, { k: Math.min(10, cache.embeddings.n - 1), signal });
      cache.outliers = { runId, scores };
    }
    return cache.outliers;
  }

  similar(runId: number, itemId: number, k: number): SimilarityResult {
    const cache = this.#run(runId);
    const row = cache.rowOf.get(itemId);
    if (row === undefined) throw new ApiError('bad-argument', `item ${itemId} has no embedding in run ${runId}`);
    cache.index ??= SimilarityIndex.build(cache.embeddings, 'cosine');
    const found = cache.index.queryItem(row, Math.min(k, cache.embeddings.n - 1));
    return {
      runId,
      query: itemId,
      matches: Array.from(found.indices, (i, j) => ({ id: cache.itemIds[i], similarity: 1 - found.distances[j] })),
    };
  }
}
