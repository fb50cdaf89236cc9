// Anomaly scores of an embedding run, one per item (larger is stranger), so the rarest morphologies
// can be listed first without recomputing the neighbour graph.
import type Database from 'better-sqlite3';
import { RowReader } from './untrusted.ts';
import { blobOf, itemIdsBlob, readFloat32s, readItemIds } from './typed-blob.ts';
import { canonicalJson } from './map-store.ts';

export interface OutlierScoring {
  id: number;
  runId: number;
  params: Record<string, unknown>;
  createdAt: number;
  itemIds: Uint32Array;
  /** Aligned with itemIds. */
  scores: Float32Array;
}

export interface NewOutlierScoring {
  runId: number;
  params: Record<string, unknown>;
  itemIds: readonly number[] | Uint32Array;
  scores: Float32Array;
}

type ScoringRow = Record<string, unknown>;

export class OutlierStore {
  readonly #file: string;
  readonly #insert: Database.Statement<unknown[], { id: number }>;
  readonly #get: Database.Statement<[number], ScoringRow>;
  readonly #latest: Database.Statement<[number], ScoringRow>;
  readonly #latestWith: Database.Statement<[number, string], ScoringRow>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#insert = db.prepare(`INSERT INTO outlier_scorings (run_id, params, created_at, item_ids, scores)
      VALUES (?, ?, ?, ?, ?) RETURNING id`);
    this.#get = db.prepare('SELECT * FROM outlier_scorings WHERE id = ?');
    this.#latest = db.prepare('SELECT * FROM outlier_scorings WHERE run_id = ? ORDER BY id DESC LIMIT 1');
    this.#latestWith = db.prepare('SELECT * FROM outlier_scorings WHERE run_id = ? AND params = ? ORDER BY id DESC LIMIT 1');
  }

  save(s: NewOutlierScoring): number {
    if (s.scores.length !== s.itemIds.length) throw new RangeError(`outlier scores: ${s.scores.length} scores for ${s.itemIds.length} items`);
    if (!s.scores.every(Number.isFinite)) throw new RangeError('outlier scores must be finite');
    return this.#insert.get(s.runId, canonicalJson(s.params), Date.now(), itemIdsBlob(s.itemIds), blobOf(s.scores))!.id;
  }

  get(id: number): OutlierScoring | null {
    const row = this.#get.get(id);
    return row ? this.#toScoring(row) : null;
  }

  /** The run's newest scoring; with `params`, only one made with exactly those. */
  latest(runId: number, params?: Record<string, unknown>): OutlierScoring | null {
    const row = params === undefined ? this.#latest.get(runId) : this.#latestWith.get(runId, canonicalJson(params));
    return row ? this.#toScoring(row) : null;
  }

  #toScoring(row: ScoringRow): OutlierScoring {
    const r = new RowReader(this.#file, 'outlier_scorings', row.id);
    const itemIds = readItemIds(r, 'item_ids', row.item_ids);
    return {
      id: r.integer('id', row.id, 1),
      runId: r.integer('run_id', row.run_id, 1),
      params: r.jsonObject('params', row.params),
      createdAt: r.integer('created_at', row.created_at),
      itemIds,
      scores: readFloat32s(r, 'scores', row.scores, itemIds.length),
    };
  }
}
