// The desktop views' form of the stored exploration results: the UI calls the same services as the
// CLI (maps.ts, clusters.ts, outliers.ts, similarity.ts), so both read and write the same maps,
// clusterings and outlier scores in the project. What this adds: typed arrays in the run's item
// order, so a map's points, cluster labels and scores line up by index in the renderer.
import { ApiError } from '../../contract/errors.ts';
import { computeClusters } from './clusters.ts';
import { computeMap } from './maps.ts';
import { computeOutliers } from './outliers.ts';
import { runEmbeddings } from './embedding-run.ts';
import { similar } from './similarity.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { ClusterData, EmbeddingMapData, MapAlgorithm, MapProgress, OutlierData, SimilarityResult } from '../../contract/desktop.ts';

/** `values` (one per id of `ids`) placed at each id's row of the run; rows without a value get `missing`. */
function inRunOrder<T extends Float32Array | Int32Array>(out: T, rowOf: Map<number, number>, ids: ArrayLike<number>, values: ArrayLike<number>, width = 1): T {
  for (let k = 0; k < ids.length; k++) {
    const row = rowOf.get(ids[k]);
    if (row === undefined) continue;
    for (let c = 0; c < width; c++) out[width * row + c] = values[width * k + c];
  }
  return out;
}

/** The run's stored map by `method` with default parameters (the one `astromorph map` makes), or a new one. */
export async function mapData(
  session: ProjectSession, runId: number, method: MapAlgorithm, signal: AbortSignal, onProgress: (p: MapProgress) => void,
): Promise<EmbeddingMapData> {
  const started = performance.now();
  const { set, rowOf } = runEmbeddings(session.project, runId, 3);
  const view = await computeMap(session, { runId, method }, { signal, onProgress: (p) => onProgress({ runId, method, ...p }) });
  const stored = session.project.maps.get(view.id);
  if (!stored) throw new ApiError('no-data', `map ${view.id} of run ${runId} vanished from the project`);
  const coordinates = inRunOrder(new Float32Array(2 * set.itemIds.length).fill(Number.NaN), rowOf, stored.itemIds, stored.coords, 2);
  return { runId, method, itemIds: Int32Array.from(set.itemIds), coordinates, seconds: (performance.now() - started) / 1000 };
}

/** k-means labels with the CLI's defaults (`astromorph cluster --method kmeans --k K`), stored and reused. */
export async function clusterData(session: ProjectSession, runId: number, k: number, signal: AbortSignal): Promise<ClusterData> {
  const { set, rowOf } = runEmbeddings(session.project, runId);
  const kk = Math.min(k, set.itemIds.length);
  const view = await computeClusters(session, { runId, method: 'kmeans', k: kk }, { signal });
  const stored = session.project.clusterings.get(view.id);
  if (!stored) throw new ApiError('no-data', `clustering ${view.id} of run ${runId} vanished from the project`);
  return { runId, k: kk, labels: inRunOrder(new Int32Array(set.itemIds.length).fill(-1), rowOf, stored.itemIds, stored.labels) };
}

/** Outlier scores with the CLI's defaults (`astromorph outliers`), stored and reused. */
export async function outlierData(session: ProjectSession, runId: number, signal: AbortSignal): Promise<OutlierData> {
  const { set, rowOf } = runEmbeddings(session.project, runId, 2);
  const view = await computeOutliers(session, { runId, top: 1 }, { signal });
  const stored = session.project.outliers.get(view.id);
  if (!stored) throw new ApiError('no-data', `outlier scores ${view.id} of run ${runId} vanished from the project`);
  return { runId, scores: inRunOrder(new Float32Array(set.itemIds.length).fill(Number.NaN), rowOf, stored.itemIds, stored.scores) };
}

/** The `k` items most like `itemId` by cosine similarity: the answer `astromorph similar` gives. */
export async function similarityResult(session: ProjectSession, runId: number, itemId: number, k: number, signal: AbortSignal): Promise<SimilarityResult> {
  const n = session.project.embeddings.count(runId);
  const view = await similar(session, itemId, { runId, k: Math.max(1, Math.min(k, n - 1)) }, { signal });
  return { runId, query: itemId, matches: view.neighbours.map((m) => ({ id: m.itemId, similarity: m.similarity ?? 0, centred: m.centred })) };
}
