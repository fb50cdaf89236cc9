// Clusters of an embedding run: k-means with a chosen k, or density-based (HDBSCAN) that finds its
// own number of clusters and leaves sparse items as noise (-1). Labels are stored, so maps can be
// coloured and searches narrowed by them; a stored clustering is reused unless asked to recompute.
import { kMeans, runAnalysisInWorker } from '../../../analysis/index.ts';
import type { Clustering, Project } from '../../../project/index.ts';
import { embeddingCoverage, embeddingsOf, runEmbeddings } from './embedding-run.ts';
import type { RunEmbeddings } from './embedding-run.ts';
import { neighbourGraph } from './neighbour-graph.ts';
import { ApiError } from '../../contract/errors.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { ComputeOptions } from './embedding-run.ts';
import type { ClusterRequest, ClusteringView, ClusterSummary, SimilarityMetric } from '../../contract/exploration.ts';

type Params = Record<string, number | string>;

function integerIn(name: string, v: number | undefined, fallback: number | undefined, min: number, max: number): number {
  if (v === undefined && fallback === undefined) throw new ApiError('bad-argument', `${name} is required`);
  const n = v ?? fallback!;
  if (!Number.isInteger(n) || n < min || n > max) throw new ApiError('bad-argument', `${name} must be an integer from ${min} to ${max} (got ${n})`);
  return n;
}

export function clusterParams(req: ClusterRequest, n: number): Params {
  const metric = req.metric ?? 'cosine';
  if (metric !== 'cosine' && metric !== 'euclidean') throw new ApiError('bad-argument', `metric must be cosine or euclidean (got ${String(metric)})`);
  if (req.method === 'kmeans') {
    return { k: integerIn('k (--k)', req.k, undefined, 1, n), metric, seed: req.seed ?? 1, restarts: 4 };
  }
  if (req.method === 'density') {
    if (n < 2) throw new ApiError('no-data', `density clustering needs at least 2 items (the run has ${n})`);
    const minClusterSize = integerIn('min-cluster-size', req.minClusterSize, Math.min(5, n), 2, n);
    return { minClusterSize, minSamples: integerIn('min-samples', req.minSamples, minClusterSize, 1, n), metric };
  }
  throw new ApiError('bad-argument', `cluster method must be kmeans or density (got ${String((req as { method: unknown }).method)})`);
}

export async function computeClusters(session: ProjectSession, req: ClusterRequest, opts: ComputeOptions = {}): Promise<ClusteringView> {
  const re = runEmbeddings(session.project, req.runId);
  const { clustering, reused } = await resolveClusters(session, req, opts, re);
  return clusteringView(session.project, re, clustering, reused);
}

/**
 * The stored clustering made with these parameters, or a new one: stored, or in a read-only project
 * (open in another process) computed in memory only (id 0).
 */
export async function resolveClusters(
  session: ProjectSession, req: ClusterRequest, opts: ComputeOptions = {}, re: RunEmbeddings = runEmbeddings(session.project, req.runId),
): Promise<{ clustering: Clustering; reused: boolean }> {
  const project = session.project;
  const params: Params = { ...clusterParams(req, re.set.itemIds.length), embeddings: re.fingerprint };
  if (!req.recompute) {
    const stored = project.clusterings.latest(re.run.id, req.method, params);
    if (stored) return { clustering: stored, reused: true };
  }
  const e = embeddingsOf(re.set);
  const metric = params.metric as SimilarityMetric;
  opts.signal?.throwIfAborted();
  let labels: Int32Array;
  let clusterCount: number;
  let info: Record<string, unknown>;
  if (req.method === 'kmeans') {
    opts.onProgress?.({ stage: 'kmeans', done: 0, total: 1 });
    // Cosine k-means is k-means on unit-length rows (spherical k-means).
    const data = metric === 'cosine' ? unitRows(e.data, e.n, e.d) : e.data;
    const r = kMeans({ data, n: e.n, d: e.d }, params.k as number, { seed: params.seed as number, restarts: params.restarts as number });
    opts.onProgress?.({ stage: 'kmeans', done: 1, total: 1 });
    labels = r.labels;
    clusterCount = params.k as number;
    info = { inertia: r.inertia, iterations: r.iterations };
  } else {
    const minSamples = params.minSamples as number;
    const graph = await neighbourGraph(project, re, metric, Math.max(1, Math.min(e.n - 1, minSamples - 1)), opts);
    const r = await runAnalysisInWorker({
      kind: 'hdbscan', embeddings: e,
      options: { minClusterSize: params.minClusterSize as number, minSamples, metric, graph },
    }, { signal: opts.signal, onProgress: opts.onProgress });
    labels = r.labels;
    clusterCount = r.clusterCount;
    info = { stabilities: [...r.stabilities] };
  }
  const made = { runId: re.run.id, method: req.method, params, clusterCount, itemIds: re.set.itemIds, labels, info };
  if (session.readOnly) {
    return { clustering: { ...made, id: 0, createdAt: Date.now(), itemIds: Uint32Array.from(made.itemIds) }, reused: false };
  }
  return { clustering: project.clusterings.get(project.clusterings.save(made))!, reused: false };
}

/** The run's latest clustering (any method), or null when it has none. */
export function latestClusters(session: ProjectSession, runId?: number): ClusteringView | null {
  const re = runEmbeddings(session.project, runId);
  const stored = session.project.clusterings.latest(re.run.id);
  return stored && clusteringView(session.project, re, stored, true);
}

function unitRows(data: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += data[i * d + t] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let t = 0; t < d; t++) out[i * d + t] = data[i * d + t] * inv;
  }
  return out;
}

function clusteringView(project: Project, re: RunEmbeddings, c: Clustering, reused: boolean): ClusteringView {
  const { set, rowOf } = re;
  const d = set.dim;
  const members = new Map<number, number[]>();
  const assignments: ClusteringView['assignments'] = [];
  const paths = new Map<number, string>();
  c.itemIds.forEach((itemId, i) => {
    const item = project.items.get(itemId);
    if (!item) return;
    paths.set(itemId, item.absolutePath);
    assignments.push({ itemId, path: item.absolutePath, label: c.labels[i] });
    const list = members.get(c.labels[i]);
    if (list) list.push(itemId);
    else members.set(c.labels[i], [itemId]);
  });
  const clusters: ClusterSummary[] = [...members].map(([label, ids]) => {
    // Examples: the members nearest their cluster's mean vector (any order for noise).
    const rows = ids.map((id) => rowOf.get(id)).filter((r): r is number => r !== undefined);
    const mean = new Float64Array(d);
    for (const r of rows) for (let t = 0; t < d; t++) mean[t] += set.vectors[r * d + t] / rows.length;
    const dist = (r: number) => {
      let s = 0;
      for (let t = 0; t < d; t++) s += (set.vectors[r * d + t] - mean[t]) ** 2;
      return s;
    };
    const nearest = label === -1 ? ids.slice(0, 5) : rows.map((r) => ({ r, s: dist(r) })).sort((a, b) => a.s - b.s).slice(0, 5).map(({ r }) => set.itemIds[r]);
    return { label, size: ids.length, examples: nearest.map((itemId) => ({ itemId, path: paths.get(itemId)! })) };
  }).sort((a, b) => (a.label === -1 ? 1 : 0) - (b.label === -1 ? 1 : 0) || b.size - a.size || a.label - b.label);
  return {
    id: c.id, runId: c.runId, method: c.method, params: c.params as Params, createdAt: c.createdAt, reused, stored: c.id > 0,
    clusterCount: c.clusterCount, noise: members.get(-1)?.length ?? 0, clusters, assignments, coverage: embeddingCoverage(project, c.runId),
  };
}
