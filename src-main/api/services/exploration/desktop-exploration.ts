// The desktop views' form of the stored exploration results: the UI calls the same services as the
// CLI (maps.ts, clusters.ts, outliers.ts, similarity.ts), so both read and write the same maps,
// clusterings and outlier scores in the project. What this adds: typed arrays in the run's item
// order, so a map's points, cluster labels and scores line up by index in the renderer.
import { resolveClusters } from './clusters.ts';
import { resolveMap } from './maps.ts';
import { resolveOutliers } from './outliers.ts';
import { runEmbeddings } from './embedding-run.ts';
import { similar } from './similarity.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { ApiError } from '../../contract/errors.ts';
import type { ClusterData, ClusterSettings, EmbeddingMapData, MapProgress, MapSettings, MapValues, OutlierData, SimilarityResult } from '../../contract/desktop.ts';

/** `values` (one per id of `ids`) placed at each id's row of the run; rows without a value get `missing`. */
function inRunOrder<T extends Float32Array | Int32Array>(out: T, rowOf: Map<number, number>, ids: ArrayLike<number>, values: ArrayLike<number>, width = 1): T {
  for (let k = 0; k < ids.length; k++) {
    const row = rowOf.get(ids[k]);
    if (row === undefined) continue;
    for (let c = 0; c < width; c++) out[width * row + c] = values[width * k + c];
  }
  return out;
}

/** Axis titles: PCA with each component's share of the variance (as `astromorph map` prints it), else "t-SNE 1". */
export function axisTitles(method: MapSettings['method'], ratio: readonly number[] | null): [string, string] {
  if (method === 'pca') return [0, 1].map((c) => `PC${c + 1}${ratio?.[c] !== undefined ? ` (${(100 * ratio[c]).toFixed(1)} % of variance)` : ''}`) as [string, string];
  const name = method === 'tsne' ? 't-SNE' : 'UMAP';
  return [`${name} 1`, `${name} 2`];
}

/** The run's map by `method` with these parameters (stored by the app or `astromorph map` alike), or a new one. */
export async function mapData(
  session: ProjectSession, settings: MapSettings, signal: AbortSignal, onProgress: (p: MapProgress) => void,
): Promise<EmbeddingMapData> {
  const started = performance.now();
  const { runId, method } = settings;
  const { set, rowOf } = runEmbeddings(session.project, runId, 3);
  const { map: stored } = await resolveMap(session, settings, { signal, onProgress: (p) => onProgress({ runId, method, ...p }) });
  const coordinates = inRunOrder(new Float32Array(2 * set.itemIds.length).fill(Number.NaN), rowOf, stored.itemIds, stored.coords, 2);
  return {
    runId, method, itemIds: Int32Array.from(set.itemIds), coordinates, seconds: (performance.now() - started) / 1000,
    params: Object.fromEntries(Object.entries(stored.params).filter(([k]) => k !== 'embeddings')) as Record<string, number | string>,
    axes: axisTitles(method, stored.pca?.ratio ?? null), stored: stored.id > 0,
  };
}

/**
 * Cluster labels as `astromorph clusters` makes them (k-means with --k, or density with
 * --min-cluster-size), stored and reused; the same label numbers as the CLI prints (0-based, -1 noise).
 */
export async function clusterData(session: ProjectSession, settings: ClusterSettings, signal: AbortSignal): Promise<ClusterData> {
  const re = runEmbeddings(session.project, settings.runId);
  const { set, rowOf } = re;
  const req = settings.method === 'kmeans'
    ? { runId: settings.runId, method: 'kmeans' as const, k: Math.min(settings.k, set.itemIds.length) }
    : { runId: settings.runId, method: 'density' as const, minClusterSize: Math.min(settings.minClusterSize, Math.max(2, set.itemIds.length)) };
  const { clustering } = await resolveClusters(session, req, { signal }, re);
  return {
    runId: settings.runId, method: settings.method, k: clustering.clusterCount,
    labels: inRunOrder(new Int32Array(set.itemIds.length).fill(-1), rowOf, clustering.itemIds, clustering.labels), stored: clustering.id > 0,
  };
}

/** Outlier scores with the CLI's defaults (`astromorph outliers`), stored and reused. */
export async function outlierData(session: ProjectSession, runId: number, signal: AbortSignal): Promise<OutlierData> {
  const { set, rowOf } = runEmbeddings(session.project, runId, 2);
  const { scoring } = await resolveOutliers(session, { runId, top: 1 }, { signal });
  return { runId, scores: inRunOrder(new Float32Array(set.itemIds.length).fill(Number.NaN), rowOf, scoring.itemIds, scoring.scores) };
}

/** The `k` items most like `itemId` by cosine similarity: the answer `astromorph similar` gives. */
export async function similarityResult(session: ProjectSession, runId: number, itemId: number, k: number, signal: AbortSignal): Promise<SimilarityResult> {
  const n = session.project.embeddings.count(runId);
  const view = await similar(session, itemId, { runId, k: Math.max(1, Math.min(k, n - 1)) }, { signal });
  return { runId, query: itemId, matches: view.neighbours.map((m) => ({ id: m.itemId, similarity: m.similarity ?? 0, centred: m.centred })) };
}

const METADATA_KEYS = ['ra', 'dec', 'restfrq', 'bmaj', 'bmin', 'bpa'] as const;

/**
 * A numeric header value per item of the run, in its item order (NaN where missing), to colour the
 * map by; and the keys offered: the numeric metadata and header cards at least half the items carry.
 */
export function mapValues(session: ProjectSession, runId: number, key: string | undefined): MapValues {
  const project = session.project;
  const { set } = runEmbeddings(project, runId);
  const counts = new Map<string, number>();
  const items = Array.from(set.itemIds, (id) => project.items.get(id));
  for (const item of items) {
    if (!item) continue;
    for (const k of METADATA_KEYS) if (typeof item.metadata[k] === 'number') counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const [k, v] of Object.entries(item.header)) {
      // WCS bookkeeping and the structure cards say where and how, not what.
      if (/^(NAXIS|BITPIX|CRPIX|CRVAL|CDELT|CROTA|PC\d|CD\d|BSCALE|BZERO|BLANK|EXTEND|GCOUNT|PCOUNT|WCSAXES|LONPOLE|LATPOLE|EQUINOX)/.test(k)) continue;
      if (typeof v === 'number' && Number.isFinite(v)) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const keys = [...counts].filter(([, c]) => c >= items.length / 2).map(([k]) => k)
    .sort((a, b) => (METADATA_KEYS.includes(a as never) ? 0 : 1) - (METADATA_KEYS.includes(b as never) ? 0 : 1) || (a < b ? -1 : 1));
  const values = new Float32Array(items.length).fill(Number.NaN);
  if (key !== undefined) {
    if (!keys.includes(key)) throw new ApiError('bad-argument', `no numeric header value ${key} on most items of run ${runId} (offered: ${keys.join(', ') || 'none'})`);
    items.forEach((item, i) => {
      const v = !item ? null : (METADATA_KEYS as readonly string[]).includes(key) ? item.metadata[key as (typeof METADATA_KEYS)[number]] : item.header[key];
      if (typeof v === 'number') values[i] = v;
    });
  }
  return { runId, keys, key: key ?? null, values };
}
