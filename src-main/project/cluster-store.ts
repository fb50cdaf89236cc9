// Cluster labels of an embedding run: k-means with a chosen k, or density-based (HDBSCAN) with
// noise as -1. Labels are per item, aligned with the stored item ids, and used to colour and filter.
import type Database from 'better-sqlite3';
import { RowReader } from './untrusted.ts';
import { blobOf, itemIdsBlob, readInt32s, readItemIds } from './typed-blob.ts';
import { canonicalJson } from './map-store.ts';

export type ClusterMethod = 'kmeans' | 'density';
export const CLUSTER_METHODS: readonly ClusterMethod[] = ['kmeans', 'density'];

const MAX_CLUSTERS = 1 << 24;

export interface ClusteringInfo {
  id: number;
  runId: number;
  method: ClusterMethod;
  params: Record<string, unknown>;
  createdAt: number;
  clusterCount: number;
}

export interface Clustering extends ClusteringInfo {
  itemIds: Uint32Array;
  /** 0..clusterCount-1, or -1 for noise; aligned with itemIds. */
  labels: Int32Array;
  info: Record<string, unknown>;
}

export interface NewClustering {
  runId: number;
  method: ClusterMethod;
  params: Record<string, unknown>;
  clusterCount: number;
  itemIds: readonly number[] | Uint32Array;
  labels: Int32Array;
  info?: Record<string, unknown>;
}

type ClusterRow = Record<string, unknown>;

export class ClusterStore {
  readonly #file: string;
  readonly #insert: Database.Statement<unknown[], { id: number }>;
  readonly #get: Database.Statement<[number], ClusterRow>;
  readonly #latest: Database.Statement<[number], ClusterRow>;
  readonly #latestBy: Database.Statement<[number, string], ClusterRow>;
  readonly #latestWith: Database.Statement<[number, string, string], ClusterRow>;
  readonly #list: Database.Statement<[number], ClusterRow>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#insert = db.prepare(`INSERT INTO clusterings (run_id, method, params, created_at, cluster_count, item_ids, labels, info)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);
    this.#get = db.prepare('SELECT * FROM clusterings WHERE id = ?');
    this.#latest = db.prepare('SELECT * FROM clusterings WHERE run_id = ? ORDER BY id DESC LIMIT 1');
    this.#latestBy = db.prepare('SELECT * FROM clusterings WHERE run_id = ? AND method = ? ORDER BY id DESC LIMIT 1');
    this.#latestWith = db.prepare('SELECT * FROM clusterings WHERE run_id = ? AND method = ? AND params = ? ORDER BY id DESC LIMIT 1');
    this.#list = db.prepare('SELECT id, run_id, method, params, created_at, cluster_count FROM clusterings WHERE run_id = ? ORDER BY id');
  }

  save(c: NewClustering): number {
    if (c.labels.length !== c.itemIds.length) throw new RangeError(`clustering: ${c.labels.length} labels for ${c.itemIds.length} items`);
    if (!Number.isInteger(c.clusterCount) || c.clusterCount < 0 || c.clusterCount > MAX_CLUSTERS) throw new RangeError(`clustering: bad cluster count ${c.clusterCount}`);
    if (!c.labels.every((l) => l >= -1 && l < c.clusterCount)) throw new RangeError(`clustering: labels must lie in [-1, ${c.clusterCount})`);
    return this.#insert.get(c.runId, c.method, canonicalJson(c.params), Date.now(), c.clusterCount, itemIdsBlob(c.itemIds), blobOf(c.labels),
      JSON.stringify(c.info ?? {}))!.id;
  }

  get(id: number): Clustering | null {
    const row = this.#get.get(id);
    return row ? this.#toClustering(row) : null;
  }

  /** The run's newest clustering (any method unless given; with `params`, only one made with exactly those). */
  latest(runId: number, method?: ClusterMethod, params?: Record<string, unknown>): Clustering | null {
    const row = method === undefined ? this.#latest.get(runId)
      : params === undefined ? this.#latestBy.get(runId, method) : this.#latestWith.get(runId, method, canonicalJson(params));
    return row ? this.#toClustering(row) : null;
  }

  list(runId: number): ClusteringInfo[] {
    return this.#list.all(runId).map((row) => this.#toInfo(row, new RowReader(this.#file, 'clusterings', row.id)));
  }

  #toInfo(row: ClusterRow, r: RowReader): ClusteringInfo {
    return {
      id: r.integer('id', row.id, 1),
      runId: r.integer('run_id', row.run_id, 1),
      method: r.oneOf('method', row.method, CLUSTER_METHODS),
      params: r.jsonObject('params', row.params),
      createdAt: r.integer('created_at', row.created_at),
      clusterCount: r.integer('cluster_count', row.cluster_count, 0, MAX_CLUSTERS),
    };
  }

  #toClustering(row: ClusterRow): Clustering {
    const r = new RowReader(this.#file, 'clusterings', row.id);
    const info = this.#toInfo(row, r);
    const itemIds = readItemIds(r, 'item_ids', row.item_ids);
    return {
      ...info,
      itemIds,
      labels: readInt32s(r, 'labels', row.labels, itemIds.length, -1, info.clusterCount - 1),
      info: r.jsonObject('info', row.info),
    };
  }
}
