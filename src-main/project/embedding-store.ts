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

export class EmbeddingStore {
  readonly #file: string;
  readonly #putMany: (runId: number, rows: readonly { itemId: number; vector: Float32Array }[]) => void;
  readonly #get: Database.Statement<[number, number], Record<string, unknown>>;
  readonly #all: Database.Statement<[number], Record<string, unknown>>;
  readonly #count: Database.Statement<[number], { n: number }>;
  readonly #deleteRun: Database.Statement<[number]>;
  readonly #dataVersion: Database.Statement<[], { data_version: number }>;
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

  /** Every vector of a run, in item id order; all must share one dimension. */
  all(runId: number): EmbeddingSet {
    const rows = this.#all.all(runId);
    const itemIds: number[] = [];
    let dim = 0;
    let vectors = new Float32Array(0);
    rows.forEach((row, i) => {
      const r = new RowReader(this.#file, 'embeddings', `${runId}/${String(row.item_id)}`);
      const d = this.#dim(row, r);
      if (i === 0) {
        dim = d;
        vectors = new Float32Array(rows.length * dim);
      } else if (d !== dim) {
        r.fail('dim', `dimension ${d} differs from the run's first vector (${dim})`);
      }
      itemIds.push(r.integer('item_id', row.item_id, 1));
      new Uint8Array(vectors.buffer, i * dim * 4, dim * 4).set(row.vector as Uint8Array);
      finite(vectors.subarray(i * dim, (i + 1) * dim), r);
    });
    return { itemIds, dim, vectors };
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
