// Exploration services on known geometry: Gaussian blobs stored as an embedding run in a real
// project file. Exact answers are recomputed here by brute force; maps, clusters and scores must
// be stored, reused and survive reopening the project.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/api/contract/index.ts';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { addTags, itemTags, listTags, removeTags } from '../../../src-main/api/services/project/tags.ts';
import { computeClusters } from '../../../src-main/api/services/exploration/clusters.ts';
import { computeMap, getMap, listMaps, pcaAxis } from '../../../src-main/api/services/exploration/maps.ts';
import { computeOutliers } from '../../../src-main/api/services/exploration/outliers.ts';
import { similar } from '../../../src-main/api/services/exploration/similarity.ts';
import { ProjectError } from '../../../src-main/project/index.ts';
import { fingerprint } from '../../../src-main/api/services/exploration/embedding-run.ts';
import { adjustedRandIndex, nearestNeighbourAccuracy } from '../analysis/blobs.ts';
import { CLUSTERS, PER_CLUSTER, makeBlobProject } from './exploration-fixture.ts';
import type { BlobProject } from './exploration-fixture.ts';

let dir: string;
let fx: BlobProject;
let session: ProjectSession;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-explore-'));
  fx = makeBlobProject(dir);
  session = ProjectSession.open(fx.file);
});
afterAll(() => {
  session?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function apiCode(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e instanceof ApiError ? e.code : `not an ApiError: ${String(e)}`;
  }
  return 'no error';
}

function row(itemId: number): Float32Array {
  const i = fx.itemIds.indexOf(itemId);
  return fx.vectors.subarray(i * fx.dim, (i + 1) * fx.dim);
}

/** Brute-force ranking of every other item by cosine similarity (or Euclidean distance). */
function bruteForce(queryId: number, metric: 'cosine' | 'euclidean', keep: (id: number) => boolean = () => true): { id: number; d: number }[] {
  const q = row(queryId);
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return fx.itemIds.filter((id) => id !== queryId && keep(id)).map((id) => {
    const v = row(id);
    const d = metric === 'cosine'
      ? 1 - v.reduce((s, x, t) => s + x * q[t], 0) / (norm(v) * norm(q))
      : Math.sqrt(v.reduce((s, x, t) => s + (x - q[t]) ** 2, 0));
    return { id, d };
  }).sort((a, b) => a.d - b.d);
}

const labelOf = (id: number) => fx.labels[fx.itemIds.indexOf(id)];

describe('maps', () => {
  it('PCA: variance per component matches the coordinates, the map separates the blobs, and it is stored and reused', async () => {
    const map = await computeMap(session, { runId: fx.blobRun, method: 'pca' });
    expect(map.reused).toBe(false);
    expect(map.params).toEqual({ components: 8, embeddings: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(map.points.map((p) => p.itemId)).toEqual(fx.itemIds);
    // Total variance: the trace of the covariance, computed here directly.
    const n = fx.itemIds.length;
    let trace = 0;
    for (let t = 0; t < fx.dim; t++) {
      const col = fx.itemIds.map((_, i) => fx.vectors[i * fx.dim + t]);
      const mean = col.reduce((a, b) => a + b, 0) / n;
      trace += col.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    }
    const ev = map.explainedVariance!;
    expect(ev.map((c) => c.component)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ev.reduce((s, c) => s + c.variance, 0)).toBeCloseTo(trace, 1);
    expect(ev.reduce((s, c) => s + c.ratio, 0)).toBeCloseTo(1, 5);
    for (let c = 1; c < ev.length; c++) expect(ev[c].variance).toBeLessThanOrEqual(ev[c - 1].variance);
    const variance = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
    };
    expect(variance(map.points.map((p) => p.x)) / ev[0].variance).toBeCloseTo(1, 4);
    expect(variance(map.points.map((p) => p.y)) / ev[1].variance).toBeCloseTo(1, 4);
    const coords = Float32Array.from(map.points.slice(0, -1).flatMap((p) => [p.x, p.y]));
    expect(nearestNeighbourAccuracy(coords, fx.labels.subarray(0, -1))).toBe(1);

    const again = await computeMap(session, { runId: fx.blobRun, method: 'pca' });
    expect(again.reused).toBe(true);
    expect(again.id).toBe(map.id);
    expect(again.points).toEqual(map.points);
    const fewer = await computeMap(session, { runId: fx.blobRun, method: 'pca', components: 3 });
    expect(fewer.id).not.toBe(map.id);
    expect(fewer.explainedVariance!.length).toBe(3);
    const fresh = await computeMap(session, { runId: fx.blobRun, method: 'pca', recompute: true });
    expect(fresh.reused).toBe(false);
    expect(fresh.id).toBeGreaterThan(fewer.id);
    expect(listMaps(session, fx.blobRun).map((m) => m.id)).toEqual([map.id, fewer.id, fresh.id]);

    // Stored in the file: a new session reads the same map back without computing.
    const other = ProjectSession.open(fx.file);
    try {
      const read = getMap(other, map.id);
      expect(read.points).toEqual(map.points);
      expect(read.explainedVariance).toEqual(map.explainedVariance);
      expect((await computeMap(other, { runId: fx.blobRun, method: 'pca', recompute: false })).id).toBe(fresh.id);
    } finally {
      other.close();
    }
  });

  it('PCA axes stay inspectable: PC1 of the size run follows the size card and orders its items by size', async () => {
    const map = await computeMap(session, { runId: fx.sizeRun, method: 'pca' });
    expect(map.explainedVariance![0].ratio).toBeGreaterThan(0.99);
    const axis = pcaAxis(session, map.id, 1, 4);
    expect(axis.correlations[0].key).toBe('EXPTIME');
    expect(Math.abs(axis.correlations[0].r)).toBeGreaterThan(0.999);
    const bySize = [...fx.sizes].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const ends = new Set([...axis.lowest, ...axis.highest].map((a) => a.itemId));
    // Whichever sign PC1 got, its two ends are the smallest and the largest items.
    const smallest = bySize.slice(0, 1).map(([id]) => id);
    const largest = bySize.slice(-1).map(([id]) => id);
    expect([...smallest, ...largest].every((id) => ends.has(id))).toBe(true);
    expect(axis.lowest.every((a, i) => i === 0 || a.value >= axis.lowest[i - 1].value)).toBe(true);
    expect(axis.highest.every((a, i) => i === 0 || a.value <= axis.highest[i - 1].value)).toBe(true);
    expect(await apiCode(() => pcaAxis(session, map.id, 9))).toBe('bad-argument');
  });

  it('t-SNE and UMAP run on a worker, record every parameter and keep the blobs apart', async () => {
    const stages = new Set<string>();
    const tsne = await computeMap(session, { runId: fx.blobRun, method: 'tsne', iterations: 400 }, { onProgress: (p) => stages.add(p.stage) });
    // Default perplexity 30, lowered to (n - 1) / 3 for a run this small.
    expect(tsne.params).toEqual({ perplexity: (fx.itemIds.length - 1) / 3, iterations: 400, seed: 1, metric: 'cosine', embeddings: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(tsne.info.iterations).toBe(400);
    expect(stages.size).toBeGreaterThan(0);
    const umap = await computeMap(session, { runId: fx.blobRun, method: 'umap', neighbors: 10 });
    expect(umap.params).toEqual({ neighbors: 10, minDist: 0.1, seed: 1, metric: 'cosine', embeddings: expect.stringMatching(/^[0-9a-f]{8}$/) });
    for (const m of [tsne, umap]) {
      const coords = Float32Array.from(m.points.slice(0, -1).flatMap((p) => [p.x, p.y]));
      expect(nearestNeighbourAccuracy(coords, fx.labels.subarray(0, -1))).toBeGreaterThanOrEqual(0.95);
    }
    expect((await computeMap(session, { runId: fx.blobRun, method: 'tsne', iterations: 400 })).reused).toBe(true);
  });

  it('a stored map is not reused once the run\'s vectors change (re-embedded)', async () => {
    const project = session.project;
    const runId = project.runs.create({ config: {}, backend: 'cpu', seed: 0 }).id;
    const rows = fx.itemIds.map((itemId, i) => ({ itemId, vector: fx.vectors.slice(i * fx.dim, (i + 1) * fx.dim) }));
    project.embeddings.putMany(runId, rows);
    const first = await computeMap(session, { runId, method: 'pca' });
    const clusters = await computeClusters(session, { runId, method: 'kmeans', k: 2 });
    expect((await computeMap(session, { runId, method: 'pca' })).id).toBe(first.id);
    rows[0].vector[0] += 1;
    project.embeddings.putMany(runId, rows.slice(0, 1));
    const second = await computeMap(session, { runId, method: 'pca' });
    expect(second.reused).toBe(false);
    expect(second.params.embeddings).not.toBe(first.params.embeddings);
    expect((await computeClusters(session, { runId, method: 'kmeans', k: 2 })).id).not.toBe(clusters.id);
    expect((await computeMap(session, { runId, method: 'pca' })).id).toBe(second.id);
    project.runs.delete(runId);
  });

  it('a cancelled map stops and stores nothing', async () => {
    const before = listMaps(session, fx.blobRun).length;
    const controller = new AbortController();
    const run = computeMap(session, { runId: fx.blobRun, method: 'tsne', recompute: true, iterations: 5000 }, {
      signal: controller.signal, onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toThrow();
    expect(controller.signal.aborted).toBe(true);
    expect(listMaps(session, fx.blobRun).length).toBe(before);
  });

  it('refuses bad parameters and a project without embeddings with typed errors', async () => {
    expect(await apiCode(computeMap(session, { runId: fx.blobRun, method: 'tsne', perplexity: 500 }))).toBe('bad-argument');
    expect(await apiCode(computeMap(session, { runId: 99, method: 'pca' }))).toBe('bad-argument');
    expect(await apiCode(computeMap(session, { method: 'mds' as 'pca' }))).toBe('bad-argument');
    const empty = ProjectSession.create(join(dir, 'empty'));
    try {
      expect(await apiCode(computeMap(empty, { method: 'pca' }))).toBe('no-run');
    } finally {
      empty.close();
    }
  });

  it('a damaged map row is reported as invalid data naming the table, not a crash', async () => {
    const map = await computeMap(session, { runId: fx.blobRun, method: 'pca', components: 2 });
    const copy = join(dir, 'damaged.amproj');
    const db = new Database(fx.file);
    db.exec(`VACUUM INTO '${copy}'`);
    db.close();
    const bad = new Database(copy);
    bad.prepare('UPDATE maps SET coords = ? WHERE id = ?').run(Buffer.alloc(7), map.id);
    bad.close();
    const damaged = ProjectSession.open(copy);
    try {
      let err: unknown;
      try {
        getMap(damaged, map.id);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProjectError);
      expect((err as ProjectError).code).toBe('invalid-data');
      expect((err as Error).message).toContain('table maps');
    } finally {
      damaged.close();
    }
  });
});

describe('similarity', () => {
  const query = () => fx.itemIds[4];

  it('exact top-k by cosine and by Euclidean distance match a brute-force ranking', async () => {
    for (const metric of ['cosine', 'euclidean'] as const) {
      const view = await similar(session, query(), { runId: fx.blobRun, k: 10, metric });
      const truth = bruteForce(query(), metric).slice(0, 10);
      expect(view.neighbours.map((n) => n.itemId)).toEqual(truth.map((t) => t.id));
      // float32 vectors: agreement to a relative 1e-4.
      view.neighbours.forEach((n, i) => expect(Math.abs(n.distance - truth[i].d)).toBeLessThan(1e-4 * Math.max(1, truth[i].d)));
      expect(view.neighbours.every((n) => labelOf(n.itemId) === labelOf(query()))).toBe(true);
      expect(view.search).toBe('exact');
      expect(view.candidates).toBe(fx.itemIds.length - 1);
      if (metric === 'cosine') view.neighbours.forEach((n) => expect(n.similarity).toBeCloseTo(1 - n.distance, 6));
      else expect(view.neighbours.every((n) => n.similarity === null)).toBe(true);
    }
  });

  it('gives each neighbour its cosine about the run\'s mean, which spreads where raw cosines crowd', async () => {
    const view = await similar(session, query(), { runId: fx.blobRun, k: 40 });
    const n = fx.itemIds.length;
    const mean = new Float64Array(fx.dim);
    for (let i = 0; i < n; i++) for (let t = 0; t < fx.dim; t++) mean[t] += fx.vectors[i * fx.dim + t] / n;
    const q = row(query()).map((x, t) => x - mean[t]);
    for (const nb of view.neighbours) {
      const v = row(nb.itemId).map((x, t) => x - mean[t]);
      const dot = v.reduce((s, x, t) => s + x * q[t], 0);
      const expected = dot / Math.sqrt(v.reduce((s, x) => s + x * x, 0) * q.reduce((s, x) => s + x * x, 0));
      expect(nb.centred).toBeCloseTo(expected, 4);
      expect(nb.centred).toBeLessThanOrEqual(1 + 1e-6);
    }
    // The blob's own members (same label) score higher about the mean than the rest.
    const same = view.neighbours.filter((nb) => labelOf(nb.itemId) === labelOf(query()));
    const other = view.neighbours.filter((nb) => labelOf(nb.itemId) !== labelOf(query()));
    if (other.length > 0) expect(Math.min(...same.map((nb) => nb.centred))).toBeGreaterThan(Math.max(...other.map((nb) => nb.centred)) - 1e-9);
  });

  it('takes the item by path relative to the project, by path from the working directory, or by id', async () => {
    const byId = await similar(session, query(), { runId: fx.blobRun, k: 5 });
    const path = byId.query.kind === 'item' ? byId.query.path : '';
    const relative = path.slice(dir.length + 1);
    for (const ref of [relative, path, String(query())]) {
      const v = await similar(session, ref, { runId: fx.blobRun, k: 5 });
      expect(v.neighbours.map((n) => n.itemId)).toEqual(byId.neighbours.map((n) => n.itemId));
    }
    expect(await apiCode(similar(session, 'data/nothing.fits', { runId: fx.blobRun }))).toBe('bad-argument');
    expect(await apiCode(similar(session, query(), { runId: fx.blobRun, k: 0 }))).toBe('bad-argument');
  });

  it('restricts the search by instrument, header range, tag and cluster', async () => {
    const alma = (id: number) => fx.itemIds.indexOf(id) % 2 === 0;
    const byInstrument = await similar(session, query(), { runId: fx.blobRun, k: 6, filter: { instrument: 'alma' } });
    expect(byInstrument.neighbours.map((n) => n.itemId)).toEqual(bruteForce(query(), 'cosine', alma).slice(0, 6).map((t) => t.id));
    expect(byInstrument.candidates).toBe(fx.itemIds.filter((id) => id !== query() && alma(id)).length);

    const inRange = (id: number) => fx.sizes.get(id)! >= 3 && fx.sizes.get(id)! <= 10;
    const byRange = await similar(session, query(), { runId: fx.blobRun, k: 50, filter: { ranges: [{ key: 'exptime', min: 3, max: 10 }] } });
    expect(byRange.neighbours.map((n) => n.itemId)).toEqual(bruteForce(query(), 'cosine', inRange).map((t) => t.id));

    const tagged = fx.itemIds.filter((_, i) => i % 3 === 0);
    for (const id of tagged) addTags(session, id, ['ringed']);
    const byTag = await similar(session, query(), { runId: fx.blobRun, k: 100, filter: { tag: 'ringed' } });
    expect(byTag.neighbours.map((n) => n.itemId).sort((a, b) => a - b)).toEqual(tagged.filter((id) => id !== query()));
    expect(byTag.neighbours.every((n) => n.tags.includes('ringed'))).toBe(true);

    expect(await apiCode(similar(session, query(), { runId: fx.blobRun, filter: { cluster: 0 } }))).toBe('no-data');
    await computeClusters(session, { runId: fx.blobRun, method: 'kmeans', k: CLUSTERS });
    const byCluster = await similar(session, query(), { runId: fx.blobRun, k: 100, filter: { cluster: 0 } });
    const clustering = await computeClusters(session, { runId: fx.blobRun, method: 'kmeans', k: CLUSTERS });
    const inZero = clustering.assignments.filter((a) => a.label === 0 && a.itemId !== query()).map((a) => a.itemId);
    expect(byCluster.neighbours.map((n) => n.itemId).sort((a, b) => a - b)).toEqual(inZero.sort((a, b) => a - b));
    for (const id of tagged) removeTags(session, id, ['ringed']);
  });

  it('HNSW answers with its recall against the exact search measured', async () => {
    const exact = await similar(session, query(), { runId: fx.blobRun, k: 10 });
    const approx = await similar(session, query(), { runId: fx.blobRun, k: 10, search: 'hnsw' });
    expect(approx.search).toBe('hnsw');
    const truth = new Set(exact.neighbours.map((n) => n.itemId));
    const overlap = approx.neighbours.filter((n) => truth.has(n.itemId)).length / 10;
    expect(approx.recall).toBe(overlap);
    expect(approx.recall).toBeGreaterThanOrEqual(0.9);
  });
});

describe('clusters', () => {
  // Density clustering by Euclidean distance: the planted outlier lies far away in distance, while
  // its direction (what cosine sees) may be close to a blob's.
  it('k-means with k = 3 and density clustering recover the blobs (ARI 1) and store their labels', async () => {
    const blobsOnly = (view: { assignments: { itemId: number; label: number }[] }) => view.assignments.filter((a) => a.itemId !== fx.outlierId);
    const km = await computeClusters(session, { runId: fx.blobRun, method: 'kmeans', k: CLUSTERS, recompute: true });
    expect(km.clusterCount).toBe(CLUSTERS);
    const kmRows = blobsOnly(km);
    expect(adjustedRandIndex(kmRows.map((a) => a.label), kmRows.map((a) => labelOf(a.itemId)))).toBe(1);
    expect(km.clusters.map((c) => c.size).reduce((a, b) => a + b, 0)).toBe(fx.itemIds.length);

    const density = await computeClusters(session, { runId: fx.blobRun, method: 'density', minClusterSize: 5, metric: 'euclidean' });
    expect(density.clusterCount).toBe(CLUSTERS);
    expect(adjustedRandIndex(density.assignments.map((a) => a.label), density.assignments.map((a) => labelOf(a.itemId)))).toBe(1);
    expect(density.noise).toBe(1);
    expect(density.clusters.at(-1)).toMatchObject({ label: -1, size: 1 });
    expect(density.clusters.slice(0, -1).map((c) => c.size)).toEqual([PER_CLUSTER, PER_CLUSTER, PER_CLUSTER]);
    // Typical members lie in their own cluster.
    for (const c of density.clusters.slice(0, -1)) {
      expect(new Set(c.examples.map((e) => labelOf(e.itemId))).size).toBe(1);
    }
    expect((await computeClusters(session, { runId: fx.blobRun, method: 'density', minClusterSize: 5, metric: 'euclidean' })).reused).toBe(true);

    // The latest clustering colours the map.
    const map = await computeMap(session, { runId: fx.blobRun, method: 'pca' });
    const byItem = new Map(density.assignments.map((a) => [a.itemId, a.label]));
    expect(map.points.every((p) => p.cluster === byItem.get(p.itemId))).toBe(true);
    expect(await apiCode(computeClusters(session, { runId: fx.blobRun, method: 'kmeans' }))).toBe('bad-argument');
  });
});

describe('outliers', () => {
  it('ranks the planted outlier first, scores equal the brute-force mean distance to the 5 nearest, and are stored', async () => {
    const view = await computeOutliers(session, { runId: fx.blobRun, k: 5, top: 10, metric: 'euclidean' });
    expect(view.ranked[0].itemId).toBe(fx.outlierId);
    expect(view.ranked.length).toBe(10);
    expect(view.items).toBe(fx.itemIds.length);
    for (const r of view.ranked) {
      const mean = bruteForce(r.itemId, 'euclidean').slice(0, 5).reduce((s, t) => s + t.d, 0) / 5;
      expect(r.score).toBeCloseTo(mean, 2);
    }
    expect(view.ranked.every((r, i) => i === 0 || r.score <= view.ranked[i - 1].score)).toBe(true);
    const again = await computeOutliers(session, { runId: fx.blobRun, k: 5, top: 3, metric: 'euclidean' });
    expect(again.reused).toBe(true);
    expect(again.ranked.map((r) => r.itemId)).toEqual(view.ranked.slice(0, 3).map((r) => r.itemId));
    const map = await computeMap(session, { runId: fx.blobRun, method: 'pca' });
    expect(map.points.find((p) => p.itemId === fx.outlierId)!.outlierScore).toBe(view.ranked[0].score);
  });
});

describe('neighbour graph', () => {
  it('is computed once per run, metric and vectors, kept in the project, and equals the brute-force neighbours', async () => {
    const project = session.project;
    const fp = fingerprint(project.embeddings.all(fx.blobRun));
    const graph = project.knnGraphs.find(fx.blobRun, 'euclidean', fp, 5);
    expect(graph).not.toBeNull(); // made by the outlier scores above
    expect(graph!.k).toBeGreaterThanOrEqual(15);
    for (const row of [0, 17, 60]) {
      const truth = bruteForce(fx.itemIds[row], 'euclidean').slice(0, graph!.k);
      expect([...graph!.indices.subarray(row * graph!.k, (row + 1) * graph!.k)].map((r) => fx.itemIds[r])).toEqual(truth.map((t) => t.id));
    }
    const density = await computeClusters(session, { runId: fx.blobRun, method: 'density', minClusterSize: 5, metric: 'euclidean', recompute: true });
    expect(density.clusterCount).toBe(CLUSTERS);
    expect(project.knnGraphs.find(fx.blobRun, 'euclidean', fp, 5)!.id).toBe(graph!.id); // reused, not replaced
    expect(project.knnGraphs.find(fx.blobRun, 'euclidean', 'other vectors', 5)).toBeNull();
  });
});

describe('tags', () => {
  it('adds, lists and removes tags; tags show on map points; bad tags and unknown items are refused', async () => {
    const id = fx.itemIds[10];
    expect(addTags(session, id, ['merger', ' spiral ', 'merger']).tags).toEqual(['merger', 'spiral']);
    expect(itemTags(session, String(id)).tags).toEqual(['merger', 'spiral']);
    expect(listTags(session)).toEqual([{ tag: 'merger', count: 1 }, { tag: 'spiral', count: 1 }]);
    const map = await computeMap(session, { runId: fx.blobRun, method: 'pca' });
    expect(map.points.find((p) => p.itemId === id)!.tags).toEqual(['merger', 'spiral']);
    expect(removeTags(session, id, ['merger', 'absent']).tags).toEqual(['spiral']);
    expect(await apiCode(() => addTags(session, id, ['  ']))).toBe('bad-argument');
    expect(await apiCode(() => addTags(session, 'data/none.fits', ['x']))).toBe('bad-argument');
    removeTags(session, id, ['spiral']);
    expect(listTags(session)).toEqual([]);
  });
});
