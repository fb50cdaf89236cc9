// One embedding vector per item and run, stored as float32 little-endian BLOBs.
import type Database from 'better-sqlite3';
import { blobOf } from './typed-blob.ts';
import { RowReader } from './untrusted.ts';

const MAX_DIM = 65536;

export interface EmbeddingSet {
  itemIds: number[];
  dim: number;
  /** itemIds.length × dim values, row-major. */
  vectors: Float32Array;
}

/** How much of the project a run's vectors cover, for queries to say when they work on part of it. */
export interface EmbeddingCoverage {
  /** Vectors stored for the run. */
  vectors: number;
  /** Of those, kept from an earlier embedding because the item's file could not be read at the last one. */
  stale: number;
  /** Readable items (status ok, an image HDU) with no vector in the run. */
  withoutVector: number;
}

export class EmbeddingStore {
  readonly #file: string;
  readonly #putMany: (runId: number, rows: readonly { itemId: number; vector: Float32Array }[]) => void;
  readonly #get: Database.Statement<[number, number], Record<string, unknown>>;
  readonly #all: Database.Statement<[number], Record<string, unknown>>;
  readonly #count: Database.Statement<[number], { n: number }>;
  readonly #deleteRun: Database.Statement<[number]>;
  readonly #dataVersion: Database.Statement<[], { data_version: number }>;
  readonly #stage: (runId: number, rows: readonly { itemId: number; vector: Float32Array }[]) => void;
  readonly #clearStaged: Database.Statement<[number]>;
  readonly #swap: (runId: number, keep: readonly number[]) => { vectors: number; stale: number };
  readonly #stale: Database.Statement<[number], { n: number }>;
  readonly #staleIds: Database.Statement<[number], { item_id: unknown }>;
  readonly #withoutVector: Database.Statement<[{ run: number }], { n: number }>;
  /** Writes through this store per run; other connections' commits show in SQLite's data_version instead. */
  readonly #writes = new Map<number, number>();

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    const put = db.prepare<[number, number, number, Uint8Array]>(
      'INSERT OR REPLACE INTO embeddings (run_id, item_id, dim, vector) VALUES (?, ?, ?, ?)');
    this.#putMany = db.transaction((runId: number, rows: readonly { itemId: number; vector: Float32Array }[]) => {
      for (const { itemId, vector } of rows) {
        if (vector.length < 1 || vector.length > MAX_DIM) throw new RangeError(`embedding of item ${itemId}: dimension ${vector.length} outside 1..${MAX_DIM}`);
        put.run(runId, itemId, vector.length, blobOf(vector));
      }
    });
    this.#get = db.prepare('SELECT run_id, item_id, dim, vector FROM embeddings WHERE run_id = ? AND item_id = ?');
    this.#all = db.prepare('SELECT run_id, item_id, dim, vector FROM embeddings WHERE run_id = ? ORDER BY item_id');
    this.#count = db.prepare('SELECT count(*) AS n FROM embeddings WHERE run_id = ?');
    this.#deleteRun = db.prepare('DELETE FROM embeddings WHERE run_id = ?');
    this.#dataVersion = db.prepare('PRAGMA data_version');
    const stage = db.prepare<[number, number, number, Uint8Array]>(
      'INSERT OR REPLACE INTO embeddings_staging (run_id, item_id, dim, vector) VALUES (?, ?, ?, ?)');
    this.#stage = db.transaction((runId: number, rows: readonly { itemId: number; vector: Float32Array }[]) => {
      for (const { itemId, vector } of rows) {
        if (vector.length < 1 || vector.length > MAX_DIM) throw new RangeError(`embedding of item ${itemId}: dimension ${vector.length} outside 1..${MAX_DIM}`);
        stage.run(runId, itemId, vector.length, blobOf(vector));
      }
    });
    this.#clearStaged = db.prepare('DELETE FROM embeddings_staging WHERE run_id = ?');
    const markStale = db.prepare('UPDATE embeddings SET stale = 1 WHERE run_id = ? AND item_id IN (SELECT value FROM json_each(?))');
    const dropOthers = db.prepare('DELETE FROM embeddings WHERE run_id = ? AND item_id NOT IN (SELECT value FROM json_each(?))');
    const moveIn = db.prepare(`INSERT OR REPLACE INTO embeddings (run_id, item_id, dim, vector, stale)
      SELECT run_id, item_id, dim, vector, 0 FROM embeddings_staging WHERE run_id = ?`);
    this.#stale = db.prepare('SELECT count(*) AS n FROM embeddings WHERE run_id = ? AND stale = 1');
    this.#staleIds = db.prepare('SELECT item_id FROM embeddings WHERE run_id = ? AND stale = 1 ORDER BY item_id');
    this.#swap = db.transaction((runId: number, keep: readonly number[]) => {
      const kept = JSON.stringify(keep);
      markStale.run(runId, kept);
      dropOthers.run(runId, kept);
      moveIn.run(runId);
      this.#clearStaged.run(runId);
      return { vectors: this.#count.get(runId)!.n, stale: this.#stale.get(runId)!.n };
    });
    // A band of a multi-band object is covered by the object's vector (stored on its first band's item).
    this.#withoutVector = db.prepare(`SELECT count(*) AS n FROM items WHERE status = 'ok' AND hdu IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.run_id = @run AND e.item_id = items.id)
      AND NOT EXISTS (SELECT 1 FROM item_bands b JOIN item_bands o ON o.object = b.object
        JOIN embeddings e ON e.run_id = @run AND e.item_id = o.item_id WHERE b.item_id = items.id)`);
  }

  /**
   * A new set of the run's vectors is written beside the current one: stageReplacement(…, rows) for each
   * batch, then commitReplacement swaps it in in one transaction. Until then every reader sees the old
   * set whole, however the writer stops. Clears what an embed killed earlier left staged.
   */
  beginReplacement(runId: number): void {
    this.#clearStaged.run(runId);
  }

  stageReplacement(runId: number, rows: readonly { itemId: number; vector: Float32Array }[]): void {
    this.#stage(runId, rows);
  }

  /**
   * Makes the staged vectors the run's set, in one transaction. The run's other vectors go, except
   * those of `keepStale` (items whose file could not be read this time): they stay, marked stale.
   */
  commitReplacement(runId: number, keepStale: readonly number[] = []): { vectors: number; stale: number } {
    this.#wrote(runId);
    return this.#swap(runId, keepStale);
  }

  /** Drops a staged set (a cancelled embed): the run keeps the vectors it had. */
  discardReplacement(runId: number): void {
    this.#clearStaged.run(runId);
  }

  /** Items whose vector in the run is stale (kept from an earlier embedding), in id order. */
  staleItems(runId: number): number[] {
    return this.#staleIds.all(runId).map((row) => new RowReader(this.#file, 'embeddings', `${runId}/?`).integer('item_id', row.item_id, 1));
  }

  coverage(runId: number): EmbeddingCoverage {
    return { vectors: this.count(runId), stale: this.#stale.get(runId)!.n, withoutVector: this.#withoutVector.get({ run: runId })!.n };
  }

  putMany(runId: number, rows: readonly { itemId: number; vector: Float32Array }[]): void {
    this.#wrote(runId);
    this.#putMany(runId, rows);
  }

  get(runId: number, itemId: number): Float32Array | null {
    const row = this.#get.get(runId, itemId);
    if (!row) return null;
    const r = new RowReader(this.#file, 'embeddings', `${runId}/${itemId}`);
    const out = new Float32Array(this.#dim(row, r));
    new Uint8Array(out.buffer).set(row.vector as Uint8Array);
    finite(out, r);
    return out;
  }

  /**
   * Every vector of a run, in item id order; all must share one dimension. Rows are read one at a
   * time into one array: materialising them all first (a Buffer per row) peaked 650 MiB above the
   * result at 1e6 vectors.
   */
  all(runId: number): EmbeddingSet {
    const n = this.count(runId);
    const itemIds: number[] = [];
    let dim = 0;
    let vectors = new Float32Array(0);
    let i = 0;
    for (const row of this.#all.iterate(runId)) {
      const r = new RowReader(this.#file, 'embeddings', `${runId}/${String(row.item_id)}`);
      const d = this.#dim(row, r);
      if (i === 0) {
        dim = d;
        vectors = new Float32Array(n * dim);
      } else if (d !== dim) {
        r.fail('dim', `dimension ${d} differs from the run's first vector (${dim})`);
      }
      // The count and the rows are two reads; another process's commit between them must not overrun the array.
      if (i >= n) r.fail('item_id', `the run gained vectors while being read (${n} counted); read it again`);
      itemIds.push(r.integer('item_id', row.item_id, 1));
      new Uint8Array(vectors.buffer, i * dim * 4, dim * 4).set(row.vector as Uint8Array);
      finite(vectors.subarray(i * dim, (i + 1) * dim), r);
      i++;
    }
    return { itemIds, dim, vectors: i === n ? vectors : vectors.slice(0, i * dim) };
  }

  count(runId: number): number {
    return this.#count.get(runId)!.n;
  }

  deleteRun(runId: number): void {
    this.#wrote(runId);
    this.#deleteRun.run(runId);
  }

  /**
   * Changes whenever the run's vectors may have: a write through this store, a commit by another
   * connection, or a cascade (items or run removed) that changes the count. Cheaper than reading the
   * vectors, so a cache of them checks it on every use. Row ids alone would not do: a re-embed deletes
   * the run's rows and SQLite hands the same ids out again.
   */
  version(runId: number): string {
    return `${this.#writes.get(runId) ?? 0}:${this.#dataVersion.get()!.data_version}:${this.count(runId)}`;
  }

  #wrote(runId: number): void {
    this.#writes.set(runId, (this.#writes.get(runId) ?? 0) + 1);
  }

  #dim(row: Record<string, unknown>, r: RowReader): number {
    const dim = r.integer('dim', row.dim, 1, MAX_DIM);
    const blob = r.blob('vector', row.vector, MAX_DIM * 4);
    if (blob.byteLength !== dim * 4) r.fail('vector', `${blob.byteLength} bytes, expected ${dim * 4} for ${dim} float32 values`);
    return dim;
  }
}

/** A NaN or infinite value (a damaged or hand-made file) would poison every distance computed with it. */
function finite(v: Float32Array, r: RowReader): void {
  for (let j = 0; j < v.length; j++) if (!Number.isFinite(v[j]!)) r.fail('vector', `value ${j} is ${v[j]}, not a finite number`);
}
