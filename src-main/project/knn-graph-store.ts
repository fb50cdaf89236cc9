// Nearest-neighbour graphs of embedding runs: row i lists the k rows nearest to row i. Computing one
// is the slow step that t-SNE, UMAP, density clustering and outlier scores share, so it is kept and
// reused for as long as the run's vectors stay the same (matched by their fingerprint).
import type Database from 'better-sqlite3';
import { RowReader } from './untrusted.ts';
import { blobOf, itemIdsBlob, readFloat32s, readInt32s, readItemIds } from './typed-blob.ts';

export type GraphMetric = 'cosine' | 'euclidean';
const METRICS: readonly GraphMetric[] = ['cosine', 'euclidean'];
const MAX_K = 10_000;

export interface StoredKnnGraph {
  id: number;
  runId: number;
  metric: GraphMetric;
  k: number;
  /** Fingerprint of the vectors the graph was computed from. */
  embeddings: string;
  approximate: boolean;
  createdAt: number;
  itemIds: Uint32Array;
  /** itemIds.length x k row numbers (positions in itemIds), nearest first, never the row itself. */
  indices: Int32Array;
  distances: Float32Array;
}

export type NewKnnGraph = Omit<StoredKnnGraph, 'id' | 'createdAt' | 'itemIds'> & { itemIds: readonly number[] | Uint32Array };

export class KnnGraphStore {
  readonly #file: string;
  readonly #insert: Database.Statement<unknown[], { id: number }>;
  readonly #best: Database.Statement<[number, string, string, number], Record<string, unknown>>;
  readonly #prune: Database.Statement<[number, string, number]>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#insert = db.prepare(`INSERT INTO knn_graphs (run_id, metric, k, embeddings, approximate, created_at, item_ids, indices, distances)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);
    this.#best = db.prepare(`SELECT * FROM knn_graphs WHERE run_id = ? AND metric = ? AND embeddings = ? AND k >= ?
      ORDER BY approximate, k, id DESC LIMIT 1`);
    this.#prune = db.prepare('DELETE FROM knn_graphs WHERE run_id = ? AND metric = ? AND id != ?');
  }

  /** Stores a graph and drops the run's other graphs for the metric (older vectors, or fewer neighbours). */
  save(g: NewKnnGraph): number {
    const n = g.itemIds.length;
    if (!Number.isInteger(g.k) || g.k < 1 || g.k > MAX_K || g.k >= n) throw new RangeError(`knn graph: k = ${g.k} for ${n} items`);
    if (g.indices.length !== n * g.k || g.distances.length !== n * g.k) throw new RangeError(`knn graph: ${g.indices.length} neighbours for ${n} items x k = ${g.k}`);
    const id = this.#insert.get(g.runId, g.metric, g.k, g.embeddings, g.approximate ? 1 : 0, Date.now(), itemIdsBlob(g.itemIds),
      blobOf(g.indices), blobOf(g.distances))!.id;
    this.#prune.run(g.runId, g.metric, id);
    return id;
  }

  /** A graph of these exact vectors with at least k neighbours per item (exact ones preferred), or null. */
  find(runId: number, metric: GraphMetric, embeddings: string, k: number): StoredKnnGraph | null {
    const row = this.#best.get(runId, metric, embeddings, k);
    if (!row) return null;
    const r = new RowReader(this.#file, 'knn_graphs', row.id);
    const itemIds = readItemIds(r, 'item_ids', row.item_ids);
    const n = itemIds.length;
    const kk = r.integer('k', row.k, 1, Math.min(MAX_K, n - 1));
    return {
      id: r.integer('id', row.id, 1),
      runId: r.integer('run_id', row.run_id, 1),
      metric: r.oneOf('metric', row.metric, METRICS),
      k: kk,
      embeddings: r.text('embeddings', row.embeddings, 64),
      approximate: r.integer('approximate', row.approximate, 0, 1) === 1,
      createdAt: r.integer('created_at', row.created_at),
      itemIds,
      indices: readInt32s(r, 'indices', row.indices, n * kk, 0, n - 1),
      distances: readFloat32s(r, 'distances', row.distances, n * kk),
    };
  }
}
