// A run's vectors and its search indexes, kept in memory per open project: reading 1e6 vectors from
// SQLite and normalising them costs far more than one exact query, and the desktop app asks many.
// Checked against the store's version on every use, so a re-embedded run is read again.
import { HnswIndex, SimilarityIndex } from '../../../analysis/index.ts';
import type { Metric } from '../../../analysis/index.ts';
import type { Project } from '../../../project/index.ts';
import { embeddingRun, embeddingsOf, fingerprint } from './embedding-run.ts';
import type { RunEmbeddings } from './embedding-run.ts';

/** Runs kept per project: the one explored plus one to compare with; each 1e6 x 128 run holds ~1 GB. */
const RUNS_KEPT = 2;

interface CachedRun {
  version: string;
  re: RunEmbeddings;
  exact: Map<Metric, SimilarityIndex>;
  hnsw: Map<Metric, Promise<HnswIndex>>;
  /** Rows passing a filter (by its JSON), valid while the project's change stamp stays the same. */
  filters: Map<string, { stamp: string; rows: Uint32Array }>;
}

/** Filters kept per run: a person clicking through items under one filter reuses it. */
const FILTERS_KEPT = 4;

// Keyed by the open Project (a WeakMap): a closed session's vectors go with it.
const cache = new WeakMap<Project, Map<number, CachedRun>>();

let loads = 0;

/** How many times a run's vectors were read from a project, in this process: tests check that queries reuse them. */
export function vectorLoads(): number {
  return loads;
}

function cachedRun(project: Project, runId?: number): CachedRun {
  const run = embeddingRun(project, runId);
  let runs = cache.get(project);
  if (!runs) cache.set(project, (runs = new Map()));
  const version = project.embeddings.version(run.id);
  let entry = runs.get(run.id);
  if (entry && entry.version === version) {
    // Most recently used last, so the oldest is the first to go.
    runs.delete(run.id);
    runs.set(run.id, entry);
    return entry;
  }
  runs.delete(run.id);
  loads++;
  const set = project.embeddings.all(run.id);
  let print: string | null = null;
  const re: RunEmbeddings = {
    run, set, rowOf: new Map(set.itemIds.map((id, i) => [id, i])),
    // Only the HNSW key needs it, and it costs a pass over every value.
    get fingerprint() {
      return (print ??= fingerprint(set));
    },
  };
  entry = { version, re, exact: new Map(), hnsw: new Map(), filters: new Map() };
  runs.set(run.id, entry);
  while (runs.size > RUNS_KEPT) runs.delete(runs.keys().next().value!);
  return entry;
}

/** The run's vectors (the newest run with embeddings when none is named), read once per version. */
export function runVectors(project: Project, runId?: number): RunEmbeddings {
  return cachedRun(project, runId).re;
}

/** The cache entry holding exactly these vectors; null when `re` was replaced meanwhile (or never cached). */
function entryOf(project: Project, re: RunEmbeddings): CachedRun | null {
  const entry = cache.get(project)?.get(re.run.id);
  return entry && entry.re === re ? entry : null;
}

/** The exact index over `re`'s vectors (from runVectors), built once per metric. */
export function exactIndex(project: Project, re: RunEmbeddings, metric: Metric): SimilarityIndex {
  const entry = entryOf(project, re);
  let index = entry?.exact.get(metric);
  if (!index) {
    index = SimilarityIndex.build(embeddingsOf(re.set), metric);
    entry?.exact.set(metric, index);
  }
  return index;
}

/** The HNSW index over `re`'s vectors; building it costs far more than one query, so it is kept too. */
export function hnswIndex(project: Project, re: RunEmbeddings, metric: Metric, signal?: AbortSignal): Promise<HnswIndex> {
  const entry = entryOf(project, re);
  let index = entry?.hnsw.get(metric);
  if (!index) {
    index = HnswIndex.build(embeddingsOf(re.set), { metric, signal });
    if (entry) {
      entry.hnsw.set(metric, index);
      index.catch(() => entry.hnsw.delete(metric));
    }
  }
  return index;
}

/**
 * The rows of `re` that pass the filter named by `key`, from `compute` unless nothing in the project
 * changed since it last ran: listing 1e5 items to test a filter costs far more than the scan.
 */
export function filteredRows(project: Project, re: RunEmbeddings, key: string, compute: () => Uint32Array): Uint32Array {
  const entry = entryOf(project, re);
  const stamp = project.changeStamp();
  const kept = entry?.filters.get(key);
  if (kept && kept.stamp === stamp) return kept.rows;
  const rows = compute();
  if (entry) {
    entry.filters.delete(key);
    entry.filters.set(key, { stamp, rows });
    while (entry.filters.size > FILTERS_KEPT) entry.filters.delete(entry.filters.keys().next().value!);
  }
  return rows;
}
