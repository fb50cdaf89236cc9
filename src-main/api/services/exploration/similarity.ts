// The items most like a given one: exact top-k by cosine similarity (Euclidean on request) over the
// run's vectors, optionally narrowed by metadata, tags or cluster. The query is a dataset item or a
// FITS file from elsewhere, embedded on the fly. An HNSW index answers on request, its recall
// against the exact answer reported with every result.
import { centredCosine, meanVector } from '../../../analysis/index.ts';
import type { Neighbours } from '../../../analysis/index.ts';
import type { DatasetItem } from '../../../dataset/index.ts';
import type { Project } from '../../../project/index.ts';
import { embeddingCoverage } from './embedding-run.ts';
import type { RunEmbeddings } from './embedding-run.ts';
import { ApiError } from '../../contract/errors.ts';
import { externalFile, findItem } from '../project/item-ref.ts';
import { itemLabels, tagsByItem } from '../project/item-labels.ts';
import { exactIndex, filteredRows, hnswIndex, runVectors } from './search-indexes.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { Neighbour, SimilarityFilter, SimilarityView, SimilarRequest } from '../../contract/exploration.ts';
import { isAbsolute, relative, sep } from 'node:path';

export interface SimilarOptions {
  signal?: AbortSignal;
}

/** The `k` items nearest to `query`: an item (path or id) of the project, or a FITS file outside it. */
export async function similar(session: ProjectSession, query: string | number, req: SimilarRequest = {}, opts: SimilarOptions = {}): Promise<SimilarityView> {
  const started = performance.now();
  const project = session.project;
  const k = req.k ?? 12;
  if (!Number.isInteger(k) || k < 1 || k > 10_000) throw new ApiError('bad-argument', `k must be an integer from 1 to 10000 (got ${k})`);
  const metric = req.metric ?? 'cosine';
  if (metric !== 'cosine' && metric !== 'euclidean') throw new ApiError('bad-argument', `metric must be cosine or euclidean (got ${String(metric)})`);
  const search = req.search ?? 'exact';
  if (search !== 'exact' && search !== 'hnsw') throw new ApiError('bad-argument', `search must be exact or hnsw (got ${String(search)})`);
  const re = runVectors(project, req.runId);
  const { run, set, rowOf } = re;

  let vector: Float32Array;
  let exclude = -1;
  let queryView: SimilarityView['query'];
  const item = findItem(project, query);
  if (item) {
    const row = rowOf.get(item.id);
    if (row === undefined) throw new ApiError('no-data', `${item.path} has no embedding in run ${run.id} (its status is ${item.status})`);
    vector = set.vectors.subarray(row * set.dim, (row + 1) * set.dim);
    exclude = row;
    queryView = { kind: 'item', itemId: item.id, path: item.absolutePath };
  } else {
    const file = typeof query === 'string' ? externalFile(query) : null;
    if (!file) throw new ApiError('bad-argument', `${JSON.stringify(String(query))} is neither an item of ${project.path} nor a file`);
    // Only a query from outside the project needs the FITS reader and the model (in a worker).
    const { embedExternalFile } = await import('../training/external-embedding.ts');
    const external = await embedExternalFile(project, run, file, opts.signal);
    if (external.vector.length !== set.dim) {
      throw new ApiError('no-data', `run ${run.id}'s encoder gives ${external.vector.length} values for ${file}, its stored embeddings have ${set.dim}; re-embed the run`);
    }
    vector = external.vector;
    queryView = { kind: 'file', path: file, hdu: external.hdu };
  }

  // Kept without the query row, so clicking through items under one filter reuses the rows.
  const candidates = hasFilter(req.filter) ? filteredRows(project, re, JSON.stringify(req.filter), () => candidateRows(project, re, req.filter!)) : null;
  const index = exactIndex(project, re, metric);
  const exact = index.query(vector, k, { exclude, ...(candidates && { candidates }) });
  let result: Neighbours = exact;
  let recall: number | null = null;
  // With a filter the exact scan covers only the filtered items and beats any index; stay exact.
  const used = search === 'hnsw' && candidates === null ? 'hnsw' : 'exact';
  if (used === 'hnsw') {
    const hnsw = await hnswIndex(project, re, metric, opts.signal);
    result = hnsw.query(vector, k, Math.max(64, 2 * k), exclude);
    const truth = new Set(exact.indices);
    recall = exact.indices.length === 0 ? 1 : result.indices.filter((i) => truth.has(i)).length / exact.indices.length;
  }
  const labels = tagsByItem(project);
  const mean = runMean(set.vectors, set.itemIds.length, set.dim);
  const neighbours: Neighbour[] = [];
  result.indices.forEach((row, i) => {
    const itemId = set.itemIds[row];
    const it = project.items.get(itemId);
    if (!it) return;
    const distance = result.distances[i];
    neighbours.push({
      rank: neighbours.length + 1, itemId, path: it.absolutePath, object: it.metadata.object, distance,
      similarity: metric === 'cosine' ? 1 - distance : null,
      centred: centredCosine(vector, set.vectors.subarray(row * set.dim, (row + 1) * set.dim), mean), tags: labels.get(itemId) ?? [],
    });
  });
  return {
    runId: run.id, query: queryView, metric, search: used, k,
    candidates: (candidates ? candidates.length - (holds(candidates, exclude) ? 1 : 0) : set.itemIds.length - (exclude >= 0 ? 1 : 0)),
    neighbours, recall, coverage: embeddingCoverage(project, run.id), seconds: (performance.now() - started) / 1000,
  };
}

/** The run's mean vector, kept while its vectors are (one pass over them per loaded set). */
const means = new WeakMap<Float32Array, Float64Array>();
function runMean(vectors: Float32Array, n: number, dim: number): Float64Array {
  let mean = means.get(vectors);
  if (!mean) {
    mean = meanVector(vectors, n, dim);
    means.set(vectors, mean);
  }
  return mean;
}

/** Whether the sorted rows hold `row`. */
function holds(rows: Uint32Array, row: number): boolean {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid] < row) lo = mid + 1;
    else hi = mid;
  }
  return row >= 0 && lo < rows.length && rows[lo] === row;
}

function hasFilter(f: SimilarityFilter | undefined): boolean {
  return f !== undefined && Object.values(f).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0));
}

const METADATA_NUMBERS = ['ra', 'dec', 'restfrq', 'bmaj', 'bmin', 'bpa'] as const;

/** A numeric metadata value (ra, dec, restfrq, bmaj, bmin, bpa) or header card (any case) of an item. */
function numericValue(item: DatasetItem, key: string): number | null {
  const lower = key.toLowerCase();
  if ((METADATA_NUMBERS as readonly string[]).includes(lower)) return item.metadata[lower as (typeof METADATA_NUMBERS)[number]];
  const v = item.header[key.toUpperCase()];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Rows of the run's vectors whose items pass the filter, the query row left out. */
export function candidateRows(project: Project, re: RunEmbeddings, filter: SimilarityFilter, exclude = -1): Uint32Array {
  let under = filter.under;
  if (under !== undefined && isAbsolute(under)) under = relative(project.folder, under).split(sep).join('/');
  const items = project.items.list({
    ...(filter.tag !== undefined && { tag: filter.tag }), ...(under !== undefined && { under }), ...(filter.status !== undefined && { status: filter.status }),
  });
  const same = (a: string | null, b: string | undefined) => b === undefined || (a !== null && a.trim().toLowerCase() === b.trim().toLowerCase());
  const clusters = filter.cluster !== undefined ? itemLabels(project, re.run.id) : null;
  if (clusters && project.clusterings.latest(re.run.id) === null) {
    throw new ApiError('no-data', `run ${re.run.id} has no clusters to filter by; run astromorph clusters first`);
  }
  for (const r of filter.ranges ?? []) {
    if (r.min === undefined && r.max === undefined) throw new ApiError('bad-argument', `range on ${r.key} needs a minimum or a maximum`);
  }
  const rows: number[] = [];
  for (const item of items) {
    const row = re.rowOf.get(item.id);
    if (row === undefined || row === exclude) continue;
    const m = item.metadata;
    if (!same(m.instrument, filter.instrument) || !same(m.telescope, filter.telescope) || !same(m.object, filter.object)) continue;
    if (clusters && clusters.cluster(item.id) !== filter.cluster) continue;
    if (!(filter.ranges ?? []).every((r) => {
      const v = numericValue(item, r.key);
      return v !== null && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
    })) continue;
    rows.push(row);
  }
  return Uint32Array.from(rows).sort();
}
