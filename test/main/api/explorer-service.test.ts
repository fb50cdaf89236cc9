// The explorer's calls through the desktop service's dispatch, on a real project of three blobs and a
// lone outlier: map settings and axis titles, density clusters numbered as the CLI numbers them,
// anomalies re-ranked by relevance feedback stored as tags, tables and figures made for download,
// and a read-only project (open in another process) that still maps and ranks in memory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatch } from '../../../src-main/api/transport/dispatch.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { EventHub } from '../../../src-main/api/contract/index.ts';
import type { AnomalyView, ClusterData, EmbeddingMapData, FileExport } from '../../../src-main/api/contract/index.ts';
import { lockPath } from '../../../src-main/project/index.ts';
import { makeBlobProject, PER_CLUSTER } from './exploration-fixture.ts';
import type { BlobProject } from './exploration-fixture.ts';

let dir: string;
let blobs: BlobProject;
let service: DesktopService;
let dispatch: ReturnType<typeof createDispatch>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-explorer-'));
  blobs = makeBlobProject(dir);
  service = new DesktopService({ events: new EventHub(), host: 'browser' });
  dispatch = createDispatch(service);
  await dispatch('openProject', { path: blobs.file });
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the explorer through the desktop service', () => {
  it('maps with the chosen parameters and titles the axes', async () => {
    const pca = await dispatch('computeMap', { runId: blobs.blobRun, method: 'pca' }) as EmbeddingMapData;
    expect(pca.axes[0]).toMatch(/^PC1 \(\d+\.\d % of variance\)$/);
    expect(pca.axes[1]).toMatch(/^PC2 /);
    expect(pca.stored).toBe(true);
    const umap = await dispatch('computeMap', { runId: blobs.blobRun, method: 'umap', neighbors: 7, minDist: 0.3 }) as EmbeddingMapData;
    expect(umap.axes).toEqual(['UMAP 1', 'UMAP 2']);
    expect(umap.params).toMatchObject({ neighbors: 7, minDist: 0.3 });
    const tsne = await dispatch('computeMap', { runId: blobs.blobRun, method: 'tsne', perplexity: 8 }) as EmbeddingMapData;
    expect(tsne.axes).toEqual(['t-SNE 1', 't-SNE 2']);
    expect(tsne.params.perplexity).toBe(8);
    await expect(dispatch('computeMap', { runId: blobs.blobRun, method: 'tsne', perplexity: 0.5 })).rejects.toThrow(/perplexity/);
  });

  it('clusters by density (HDBSCAN) with the labels the CLI stores and prints (0-based, -1 noise)', async () => {
    const c = await dispatch('clusters', { runId: blobs.blobRun, method: 'density', minClusterSize: 5 }) as ClusterData;
    expect(c.method).toBe('density');
    expect(c.k).toBe(3);
    expect(Math.min(...c.labels)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...c.labels)).toBe(2);
    const km = await dispatch('clusters', { runId: blobs.blobRun, k: 3 }) as ClusterData;
    expect(km).toMatchObject({ method: 'kmeans', k: 3 });
    expect(new Set(km.labels)).toEqual(new Set([0, 1, 2]));
  });

  it('ranks anomalies and re-ranks them from interesting / not-interesting marks kept as tags', async () => {
    const first = await dispatch('anomalies', { runId: blobs.blobRun, limit: 5 }) as AnomalyView;
    expect(first.ranked[0].itemId).toBe(blobs.outlierId);
    expect(first.ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    const scores = first.ranked.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // The lone outlier is an artefact; the second strangest is what we want more of.
    const wanted = first.ranked[1].itemId;
    await dispatch('markItems', { ids: [blobs.outlierId], mark: 'not-interesting' });
    await dispatch('markItems', { ids: [wanted], mark: 'interesting' });
    const again = await dispatch('anomalies', { runId: blobs.blobRun, limit: 5 }) as AnomalyView;
    expect(again.marked).toEqual({ interesting: 1, notInteresting: 1 });
    expect(again.ranked[0]).toMatchObject({ itemId: wanted, mark: 'interesting', relevance: 1 });
    expect(again.ranked.some((r) => r.itemId === blobs.outlierId)).toBe(false);
    const plain = await dispatch('anomalies', { runId: blobs.blobRun, feedback: false, limit: 1 }) as AnomalyView;
    expect(plain.ranked[0]).toMatchObject({ itemId: blobs.outlierId, mark: 'not-interesting', relevance: null });
    // One mark per item: marking it the other way replaces the tag.
    await dispatch('markItems', { ids: [wanted], mark: 'not-interesting' });
    const tags = (await dispatch('anomalies', { runId: blobs.blobRun, feedback: false, limit: 3 * PER_CLUSTER + 1 }) as AnomalyView)
      .ranked.find((r) => r.itemId === wanted)!.tags;
    expect(tags).toEqual(['not-interesting']);
    await dispatch('markItems', { ids: [wanted, blobs.outlierId], mark: null });
  });

  it('sorts the dataset by the newest run\'s cluster labels and outlier scores; offers numeric header keys', async () => {
    const ranked = await dispatch('anomalies', { runId: blobs.sizeRun, feedback: false, limit: 3 }) as AnomalyView;
    const byOutlier = await dispatch('queryItems', { sort: 'outlier', descending: true, limit: 3 }) as { items: { id: number }[] };
    // The newest run with embeddings is sizeRun: the grid follows its scores, as the ranked list does.
    expect(byOutlier.items.map((c) => c.id)).toEqual(ranked.ranked.map((r) => r.itemId));
    await dispatch('clusters', { runId: blobs.sizeRun, k: 2 });
    const byCluster = await dispatch('queryItems', { sort: 'cluster', limit: 500 }) as { items: { id: number }[] };
    const labels = (await dispatch('clusters', { runId: blobs.sizeRun, k: 2 }) as ClusterData).labels;
    const runIds = (await dispatch('computeMap', { runId: blobs.sizeRun, method: 'pca' }) as EmbeddingMapData).itemIds;
    const labelOf = new Map(Array.from(runIds, (id, i) => [id, labels[i]]));
    const seq = byCluster.items.map((c) => labelOf.get(c.id) ?? 99);
    expect(seq).toEqual([...seq].sort((a, b) => a - b));
    const values = await dispatch('mapValues', { runId: blobs.blobRun }) as { keys: string[] };
    expect(Array.isArray(values.keys)).toBe(true);
    await expect(dispatch('mapValues', { runId: blobs.blobRun, key: 'NO_SUCH_KEY' })).rejects.toThrow(/no numeric header value NO_SUCH_KEY/);
  });

  it('exports a selection with the CLI table\'s columns, and tables as CSV, FITS and VOTable', async () => {
    const ids = blobs.itemIds.slice(0, 4);
    const csv = await dispatch('exportItems', { ids, runId: blobs.blobRun }) as { filename: string; text: string };
    const [header, ...rows] = csv.text.trim().split('\n');
    const names = header.split(',');
    expect(names.slice(0, 3)).toEqual(['file', 'hdu', 'object']);
    expect(names).toContain('cluster');
    expect(names).toContain('outlier_score');
    expect(names).toContain('tags');
    expect(names.some((n) => /^(pca|tsne|umap)_x$/.test(n))).toBe(true);
    expect(names.at(-1)).toBe(`emb_${blobs.dim - 1}`);
    expect(rows).toHaveLength(4);
    const fits = await dispatch('exportTable', { runId: blobs.blobRun, format: 'fits' }) as FileExport;
    expect(fits.filename).toMatch(/\.fits$/);
    expect(new TextDecoder().decode(fits.bytes.subarray(0, 30))).toBe('SIMPLE  =                    T');
    const ext = new TextDecoder('latin1').decode(fits.bytes.subarray(2880, 2880 * 3));
    expect(ext).toMatch(/^XTENSION= 'BINTABLE'/);
    expect(Number(/NAXIS2  =\s+(\d+)/.exec(ext)?.[1])).toBe(blobs.itemIds.length);
    const vot = await dispatch('exportTable', { runId: blobs.blobRun, format: 'votable', ids }) as FileExport;
    expect(new TextDecoder().decode(vot.bytes)).toContain('<VOTABLE');
    const whole = await dispatch('exportTable', { runId: blobs.blobRun, format: 'csv' }) as FileExport;
    expect(new TextDecoder().decode(whole.bytes).trim().split('\n')).toHaveLength(blobs.itemIds.length + 1);
  });

  it('makes the figures `astromorph figure` makes', async () => {
    const svg = await dispatch('exportFigure', { kind: 'map', settings: { format: 'svg', colourBy: 'cluster', run: blobs.blobRun, method: 'pca' } }) as FileExport;
    expect(svg.mime).toBe('image/svg+xml');
    expect(new TextDecoder().decode(svg.bytes)).toMatch(/^<\?xml|^<svg/);
    const png = await dispatch('exportFigure', { kind: 'loss', settings: { format: 'png', dpi: 50 } }).catch((e: Error) => e);
    // The fixture's runs have no losses: the figure says so as the CLI would.
    if (png instanceof Error) expect(png.message).toMatch(/loss/);
    else expect((png as FileExport).bytes.subarray(1, 4)).toEqual(new TextEncoder().encode('PNG'));
  });

  it('maps and ranks a read-only project in memory, without storing', async () => {
    await service.close();
    writeFileSync(lockPath(blobs.file), JSON.stringify({ pid: process.ppid, host: hostname(), since: Date.now() }));
    try {
      service = new DesktopService({ events: new EventHub(), host: 'browser' });
      dispatch = createDispatch(service);
      await dispatch('openProject', { path: blobs.file });
      const map = await dispatch('computeMap', { runId: blobs.sizeRun, method: 'umap', neighbors: 5 }) as EmbeddingMapData;
      expect(map.stored).toBe(false);
      expect(map.coordinates.every(Number.isFinite)).toBe(true);
      const c = await dispatch('clusters', { runId: blobs.sizeRun, k: 4 }) as ClusterData;
      expect(c.stored).toBe(false);
      // Stored scores are read (an earlier test made them); new ones would be made in memory (read-only-session.test.ts).
      const a = await dispatch('anomalies', { runId: blobs.sizeRun }) as AnomalyView;
      expect(a.ranked.length).toBeGreaterThan(0);
      await expect(dispatch('markItems', { ids: [blobs.outlierId], mark: 'interesting' })).rejects.toThrow(/read-only, so it cannot mark items/);
    } finally {
      await service.close();
      rmSync(lockPath(blobs.file), { force: true });
    }
  });
});
