// Maps of an embedding run into 2-D: PCA (explained variance and loadings kept, so its axes can be
// read), t-SNE and UMAP (on a worker thread: minutes for large runs, and cancellable). A map is
// stored with every parameter that made it and reused until someone asks for a new one.
import { Pca, runAnalysisInWorker } from '../../../analysis/index.ts';
import { positiveInteger as positiveIntegerIn } from '../../../base/numbers.ts';
import type { MapMethod, NewMap, Project, StoredMap } from '../../../project/index.ts';
import { embeddingCoverage, embeddingsOf, embeddingRun, runEmbeddings } from './embedding-run.ts';
import type { ComputeOptions, RunEmbeddings } from './embedding-run.ts';
import { neighbourGraph } from './neighbour-graph.ts';
import { ApiError } from '../../contract/errors.ts';
import { itemLabels } from '../project/item-labels.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type {
  AxisItem, EmbeddingMapView, MapPoint, MapRequest, MapSummary, PcaAxisView, SimilarityMetric,
} from '../../contract/exploration.ts';

export const MAP_METHODS: readonly MapMethod[] = ['pca', 'tsne', 'umap'];

export type { ComputeOptions };

type Params = Record<string, number | string>;

function positiveInteger(name: string, v: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = positiveIntegerIn(v ?? fallback, max);
  if (n === null) throw new ApiError('bad-argument', `${name} must be an integer from 1 to ${max} (got ${v ?? fallback})`);
  return n;
}

function metricOf(v: string | undefined): SimilarityMetric {
  const m = v ?? 'cosine';
  if (m !== 'cosine' && m !== 'euclidean') throw new ApiError('bad-argument', `metric must be cosine or euclidean (got ${m})`);
  return m;
}

/**
 * Every parameter the method will use, defaults filled in for a run of n items of dimension d. The
 * stored map's params also carry `embeddings`, the fingerprint of the vectors it was made from.
 */
export function mapParams(req: MapRequest, n: number, d: number): Params {
  switch (req.method) {
    case 'pca':
      if (d < 2) throw new ApiError('bad-argument', `a PCA map needs embeddings of at least 2 dimensions (these have ${d})`);
      return { components: positiveInteger('components', req.components, Math.min(d, 10), d) };
    case 'tsne': {
      if (n < 4) throw new ApiError('no-data', `a t-SNE map needs at least 4 items (the run has ${n})`);
      const perplexity = req.perplexity ?? Math.max(1.5, Math.min(30, (n - 1) / 3));
      if (!(perplexity > 1) || perplexity >= n) throw new ApiError('bad-argument', `perplexity must be above 1 and below the item count ${n} (got ${perplexity})`);
      return {
        perplexity, iterations: positiveInteger('iterations', req.iterations, 750, 100_000), seed: req.seed ?? 1, metric: metricOf(req.metric),
      };
    }
    case 'umap': {
      if (n < 3) throw new ApiError('no-data', `a UMAP map needs at least 3 items (the run has ${n})`);
      const minDist = req.minDist ?? 0.1;
      if (!(minDist >= 0)) throw new ApiError('bad-argument', `min-dist must be >= 0 (got ${minDist})`);
      const p: Params = {
        neighbors: positiveInteger('neighbors', req.neighbors, Math.min(15, n - 1), n - 1), minDist, seed: req.seed ?? 1, metric: metricOf(req.metric),
      };
      if ((p.neighbors as number) < 2) throw new ApiError('bad-argument', 'neighbors must be at least 2');
      if (req.epochs !== undefined) p.epochs = positiveInteger('epochs', req.epochs, 200, 100_000);
      return p;
    }
    default:
      throw new ApiError('bad-argument', `map method must be one of ${MAP_METHODS.join(', ')} (got ${String((req as { method: unknown }).method)})`);
  }
}

/**
 * The map of a run by one method: the stored one made with the same parameters, or a new one
 * (always new with `recompute`). Aborting `signal` stops a t-SNE/UMAP worker at once and stores nothing.
 * A read-only project (open in another process) gets a new map computed in memory, not stored (id 0).
 */
export async function computeMap(session: ProjectSession, req: MapRequest, opts: ComputeOptions = {}): Promise<EmbeddingMapView> {
  const { map, reused } = await resolveMap(session, req, opts);
  return mapView(session.project, map, reused);
}

/** The stored or new map itself (arrays included), as computeMap finds or makes it. */
export async function resolveMap(session: ProjectSession, req: MapRequest, opts: ComputeOptions = {}): Promise<{ map: StoredMap; reused: boolean }> {
  const project = session.project;
  const re = runEmbeddings(project, req.runId);
  const { run, set, fingerprint } = re;
  const params: Params = { ...mapParams(req, set.itemIds.length, set.dim), embeddings: fingerprint };
  if (!req.recompute) {
    const stored = project.maps.latest(run.id, req.method, params);
    if (stored) return { map: stored, reused: true };
  }
  const made = await computeNew(project, re, req.method, params, opts);
  if (session.readOnly) return { map: transientMap(made), reused: false };
  return { map: project.maps.get(project.maps.save(made))!, reused: false };
}

/** A map that is not in the project (read-only sessions): id 0. */
function transientMap(m: NewMap): StoredMap {
  const pca = m.pca ? { ...m.pca, dim: m.pca.mean.length } : null;
  return {
    id: 0, runId: m.runId, method: m.method, params: m.params, createdAt: Date.now(), items: m.itemIds.length,
    itemIds: Uint32Array.from(m.itemIds), coords: m.coords, info: m.info ?? {}, pca,
  };
}

async function computeNew(project: Project, re: RunEmbeddings, method: MapMethod, params: Params, opts: ComputeOptions): Promise<NewMap> {
  const { set } = re;
  const runId = re.run.id;
  const e = embeddingsOf(set);
  const control = { signal: opts.signal, onProgress: opts.onProgress };
  opts.signal?.throwIfAborted();
  if (method === 'pca') {
    opts.onProgress?.({ stage: 'pca', done: 0, total: 1 });
    const pca = Pca.fit(e, { components: params.components as number });
    const all = pca.project(e.data, e.n);
    const coords = new Float32Array(2 * e.n);
    for (let i = 0; i < e.n; i++) {
      coords[2 * i] = all[i * pca.k];
      coords[2 * i + 1] = all[i * pca.k + 1];
    }
    opts.onProgress?.({ stage: 'pca', done: 1, total: 1 });
    return {
      runId, method, params, itemIds: set.itemIds, coords, info: {},
      pca: {
        variance: [...pca.explainedVariance], ratio: [...pca.explainedVarianceRatio], total: pca.totalVariance,
        components: Float32Array.from(pca.components), mean: Float32Array.from(pca.mean),
      },
    };
  }
  if (method === 'tsne') {
    const metric = params.metric as SimilarityMetric;
    const graph = await neighbourGraph(project, re, metric, Math.min(e.n - 1, Math.floor(3 * (params.perplexity as number))), control);
    const r = await runAnalysisInWorker({
      kind: 'tsne', embeddings: e,
      options: { perplexity: params.perplexity as number, iterations: params.iterations as number, seed: params.seed as number, metric, graph },
    }, control);
    return { runId, method, params, itemIds: set.itemIds, coords: r.coordinates, info: { klDivergence: r.klDivergence, iterations: r.iterations } };
  }
  const metric = params.metric as SimilarityMetric;
  const graph = await neighbourGraph(project, re, metric, (params.neighbors as number) - 1, control);
  const r = await runAnalysisInWorker({
    kind: 'umap', embeddings: e,
    options: {
      nNeighbors: params.neighbors as number, minDist: params.minDist as number, seed: params.seed as number,
      metric, graph, ...(params.epochs !== undefined && { epochs: params.epochs as number }),
    },
  }, control);
  return { runId, method, params, itemIds: set.itemIds, coords: r.coordinates, info: { epochs: r.epochs } };
}

/** A stored map by id, with the colours the run offers (clusters, outlier scores, tags). */
export function getMap(session: ProjectSession, mapId: number): EmbeddingMapView {
  const stored = session.project.maps.get(mapId);
  if (!stored) throw new ApiError('bad-argument', `${session.path} has no map ${mapId}`);
  return mapView(session.project, stored, true);
}

/** The maps stored for a run (default: the latest run with embeddings), oldest first. */
export function listMaps(session: ProjectSession, runId?: number): MapSummary[] {
  const run = embeddingRun(session.project, runId);
  return session.project.maps.list(run.id);
}

function mapView(project: Project, map: StoredMap, reused: boolean): EmbeddingMapView {
  const labels = itemLabels(project, map.runId);
  const points: MapPoint[] = [];
  // Paths alone: reading each point's whole row (header and all) cost 3.5 s of 17 at 1e5 points.
  const paths = project.items.absolutePaths();
  map.itemIds.forEach((itemId, i) => {
    const path = paths.get(itemId);
    if (path === undefined) return; // removed from the project since the map was made
    points.push({
      itemId, path, x: map.coords[2 * i], y: map.coords[2 * i + 1],
      cluster: labels.cluster(itemId), outlierScore: labels.outlierScore(itemId), tags: labels.tags(itemId),
    });
  });
  return {
    id: map.id, runId: map.runId, method: map.method, params: map.params as Params, createdAt: map.createdAt, reused, stored: map.id > 0,
    items: points.length,
    explainedVariance: map.pca ? map.pca.variance.map((variance, c) => ({ component: c + 1, variance, ratio: map.pca!.ratio[c] })) : null,
    info: map.info, points, coverage: embeddingCoverage(project, map.runId),
  };
}

const NUMERIC_METADATA = ['ra', 'dec', 'restfrq', 'bmaj', 'bmin', 'bpa'] as const;

/**
 * What PCA component `component` (1-based) of a stored PCA map follows: the `count` items at each
 * end and the correlation of the coordinate with each numeric header value most items carry.
 */
export function pcaAxis(session: ProjectSession, mapId: number, component: number, count = 5): PcaAxisView {
  const project = session.project;
  const map = project.maps.get(mapId);
  if (!map) throw new ApiError('bad-argument', `${session.path} has no map ${mapId}`);
  if (!map.pca) throw new ApiError('bad-argument', `map ${mapId} is a ${map.method} map; only PCA axes have a meaning to inspect`);
  const k = map.pca.variance.length;
  if (!Number.isInteger(component) || component < 1 || component > k) throw new ApiError('bad-argument', `component must be from 1 to ${k} (got ${component})`);
  const { dim, mean, components } = map.pca;
  const loadings = components.subarray((component - 1) * dim, component * dim);
  // Coordinates of every item of the map, from the run's current vectors.
  const set = project.embeddings.all(map.runId);
  const series = new Map<string, { x: number[]; y: number[] }>();
  const add = (key: string, x: number, y: unknown) => {
    if (typeof y !== 'number' || !Number.isFinite(y)) return;
    let s = series.get(key);
    if (!s) series.set(key, (s = { x: [], y: [] }));
    s.x.push(x);
    s.y.push(y);
  };
  // Each item's row is read, used and dropped (not kept for the sort): at 1e6 points, a million
  // parsed rows at once would take gigabytes.
  const values: { itemId: number; value: number }[] = [];
  if (set.dim === dim) {
    const rowOf = new Map(set.itemIds.map((id, i) => [id, i]));
    for (const itemId of map.itemIds) {
      const row = rowOf.get(itemId);
      const item = project.items.get(itemId);
      if (row === undefined || !item) continue;
      let value = 0;
      for (let t = 0; t < dim; t++) value += (set.vectors[row * dim + t] - mean[t]) * loadings[t];
      values.push({ itemId, value });
      for (const key of NUMERIC_METADATA) add(key, value, item.metadata[key]);
      for (const [key, v] of Object.entries(item.header)) {
        // WCS bookkeeping says where, not what; RA, DEC, BMAJ, … are already in the metadata.
        if (/^(CRPIX|CRVAL|CDELT|CROTA|PC\d|CD\d)/.test(key) || (NUMERIC_METADATA as readonly string[]).includes(key.toLowerCase())) continue;
        add(key, value, v);
      }
    }
  }
  values.sort((a, b) => a.value - b.value || a.itemId - b.itemId);
  const axisItem = ({ itemId, value }: { itemId: number; value: number }): AxisItem => {
    const item = project.items.get(itemId)!;
    return { itemId, path: item.absolutePath, object: item.metadata.object, value };
  };
  const correlations: PcaAxisView['correlations'] = [];
  for (const [key, s] of series) {
    if (s.x.length < 3 || s.x.length < values.length / 2) continue;
    const r = pearson(s.x, s.y);
    if (r !== null) correlations.push({ key, r, items: s.x.length });
  }
  correlations.sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || (a.key < b.key ? -1 : 1));
  return {
    mapId, component, variance: map.pca.variance[component - 1], ratio: map.pca.ratio[component - 1],
    loadings: [...loadings], lowest: values.slice(0, count).map(axisItem), highest: values.slice(-count).reverse().map(axisItem), correlations,
  };
}

function pearson(x: number[], y: number[]): number | null {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}
