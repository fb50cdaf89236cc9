// Shard files: what one task of a sharded `add` or `embed` (`--shard I/N`) found, written beside the
// project instead of into it (many nodes writing one SQLite file over a network filesystem corrupt it).
// Each is a small SQLite file of its own: a header naming the project, the shard, and for embeddings
// the run and model fingerprint, then the results keyed by the item's stored (relative) path. A task
// writes NAME.partial and renames it when done, so a file under the final name is always complete.
// On merge a shard is untrusted input: every value read back is checked (RowReader).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ProjectError } from './errors.ts';
import { RowReader } from './untrusted.ts';

/** SQLite application_id of shard files ('AMSH'): a project file or a stray database is refused. */
export const SHARD_APPLICATION_ID = 0x414d5348;
const SHARD_FORMAT_VERSION = 1;
const MAX_DIM = 65536;
export const MAX_SHARDS = 100_000;

export type ShardKind = 'embed' | 'add';

export interface ShardHeader {
  kind: ShardKind;
  /** The project's id (settings key projectId): shards of another project are refused. */
  projectId: string;
  index: number;
  count: number;
  /** Embeddings: the run, its checkpoint and the model's fingerprint (weights + settings). */
  runId: number | null;
  checkpointId: number | null;
  fingerprint: string | null;
  /** Items this shard was given (its share of the project, or of the folders walked). */
  assigned: number;
}

export interface ShardVector {
  path: string;
  vector: Float32Array;
}

export interface ShardSkip {
  path: string;
  reason: string;
}

/** One scanned file of a sharded add: the item record as JSON (checked on merge) and its thumbnail. */
export interface ShardItem {
  path: string;
  /** Absolute folder the file was found under (its data folder). */
  root: string;
  record: unknown;
  thumbnail: { width: number; height: number; png: Uint8Array } | null;
}

/** Which of `count` shards an item belongs to: by a hash of its stored path, so shares never move. */
export function shardOf(storedPath: string, count: number): number {
  return createHash('sha256').update(storedPath).digest().readUInt32BE(0) % count;
}

/** "I/N" (0 <= I < N) as given on the command line; null when it is not that. */
export function parseShardSpec(spec: string): { index: number; count: number } | null {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(spec.trim());
  if (!m) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS || index >= count) return null;
  return { index, count };
}

/** The file name of a shard: embed-run2-003-of-016.amshard, add-003-of-016.amshard. */
export function shardFileName(kind: ShardKind, index: number, count: number, runId: number | null): string {
  const width = Math.max(3, String(count - 1).length);
  const i = String(index).padStart(width, '0');
  const n = String(count).padStart(width, '0');
  return kind === 'embed' ? `embed-run${runId}-${i}-of-${n}.amshard` : `add-${i}-of-${n}.amshard`;
}

export const SHARD_EXTENSION = '.amshard';
export const PARTIAL_SUFFIX = '.partial';

const SCHEMA = `
  CREATE TABLE header (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE vectors (path TEXT PRIMARY KEY, dim INTEGER NOT NULL, vector BLOB NOT NULL) STRICT;
  CREATE TABLE skipped (path TEXT PRIMARY KEY, reason TEXT NOT NULL) STRICT;
  CREATE TABLE items (path TEXT PRIMARY KEY, root TEXT NOT NULL, record TEXT NOT NULL,
    thumb_width INTEGER, thumb_height INTEGER, thumb_png BLOB) STRICT;
  CREATE TABLE missing (path TEXT PRIMARY KEY, reason TEXT) STRICT;
  CREATE TABLE roots (root TEXT PRIMARY KEY, scanned INTEGER NOT NULL) STRICT;
`;

/** Writes one shard: created as FILE.partial, renamed to FILE by finish(). */
export class ShardWriter {
  readonly file: string;
  readonly #partial: string;
  readonly #db: Database.Database;
  readonly #putVectors: (rows: readonly ShardVector[]) => void;
  readonly #putItem: Database.Statement<unknown[]>;
  readonly #skip: Database.Statement<[string, string]>;
  readonly #missing: Database.Statement<[string, string | null]>;
  readonly #root: Database.Statement<[string, number]>;

  private constructor(file: string, header: ShardHeader) {
    this.file = file;
    this.#partial = file + PARTIAL_SUFFIX;
    // What a killed task left is not resumed: its share is simply done again.
    fs.rmSync(this.#partial, { force: true });
    this.#db = new Database(this.#partial);
    // A rollback journal, not WAL: one writer, and readers (progress) on other hosts see a plain file.
    this.#db.pragma('journal_mode = DELETE');
    this.#db.pragma(`application_id = ${SHARD_APPLICATION_ID}`);
    this.#db.exec(SCHEMA);
    const put = this.#db.prepare('INSERT INTO header (key, value) VALUES (?, ?)');
    const entries: Record<string, unknown> = { format: 'astromorph-shard', version: SHARD_FORMAT_VERSION, ...header, complete: false };
    this.#db.transaction(() => { for (const [k, v] of Object.entries(entries)) put.run(k, JSON.stringify(v)); })();
    const vec = this.#db.prepare<[string, number, Uint8Array]>('INSERT OR REPLACE INTO vectors (path, dim, vector) VALUES (?, ?, ?)');
    this.#putVectors = this.#db.transaction((rows: readonly ShardVector[]) => {
      for (const r of rows) vec.run(r.path, r.vector.length, new Uint8Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength));
    });
    this.#putItem = this.#db.prepare(`INSERT OR REPLACE INTO items (path, root, record, thumb_width, thumb_height, thumb_png)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.#skip = this.#db.prepare('INSERT OR REPLACE INTO skipped (path, reason) VALUES (?, ?)');
    this.#missing = this.#db.prepare('INSERT OR REPLACE INTO missing (path, reason) VALUES (?, ?)');
    this.#root = this.#db.prepare('INSERT OR REPLACE INTO roots (root, scanned) VALUES (?, ?)');
  }

  static create(file: string, header: ShardHeader): ShardWriter {
    return new ShardWriter(file, header);
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  putVectors(rows: readonly ShardVector[]): void {
    this.#putVectors(rows);
  }

  skip(path: string, reason: string): void {
    this.#skip.run(path, reason);
  }

  putItem(item: ShardItem): void {
    this.#putItem.run(item.path, item.root, JSON.stringify(item.record), item.thumbnail?.width ?? null, item.thumbnail?.height ?? null,
      item.thumbnail?.png ?? null);
  }

  putThumbnail(path: string, t: { width: number; height: number; png: Uint8Array }): void {
    this.#db.prepare('UPDATE items SET thumb_width = ?, thumb_height = ?, thumb_png = ? WHERE path = ?').run(t.width, t.height, t.png, path);
  }

  /** A known file of this share that the scan no longer found (null), or cannot read now (its reason). */
  markMissing(path: string, unreadableReason: string | null): void {
    this.#missing.run(path, unreadableReason);
  }

  root(absoluteRoot: string, scanned: boolean): void {
    this.#root.run(absoluteRoot, scanned ? 1 : 0);
  }

  /** How many items this shard was given, when that is known only at the end (a scan's walk). */
  setAssigned(n: number): void {
    this.#db.prepare("UPDATE header SET value = ? WHERE key = 'assigned'").run(JSON.stringify(n));
  }

  /** Marks the shard complete and gives it its final name. */
  finish(): void {
    this.#db.prepare("UPDATE header SET value = 'true' WHERE key = 'complete'").run();
    this.#db.close();
    fs.renameSync(this.#partial, this.file);
  }

  /** Closes without finishing: FILE.partial stays, showing how far the task got; the final name is not written. */
  abandon(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Reads a shard file, checking everything in it: it may have been damaged, or made by hand. */
export class ShardReader {
  readonly file: string;
  readonly header: ShardHeader & { complete: boolean };
  readonly #db: Database.Database;

  private constructor(file: string, db: Database.Database, header: ShardHeader & { complete: boolean }) {
    this.file = file;
    this.#db = db;
    this.header = header;
  }

  static open(file: string): ShardReader {
    let magic = Buffer.alloc(0);
    try {
      const fd = fs.openSync(file, 'r');
      try {
        magic = Buffer.alloc(16);
        magic = magic.subarray(0, fs.readSync(fd, magic, 0, 16, 0));
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      throw new ProjectError('not-found', file, `cannot read the shard file: ${(e as Error).message}`, { cause: e });
    }
    if (magic.toString('latin1') !== 'SQLite format 3\0') throw new ProjectError('invalid-data', file, 'not a shard file (not an SQLite database)');
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      db.pragma('trusted_schema = OFF');
      if (db.pragma('application_id', { simple: true }) !== SHARD_APPLICATION_ID) {
        throw new ProjectError('invalid-data', file, 'an SQLite database, but not an Astromorph shard file');
      }
      const check = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check).filter((m) => m !== 'ok');
      if (check.length > 0) throw new ProjectError('damaged', file, `the shard file is damaged: ${check.slice(0, 3).join('; ')}`);
      const objects = db.prepare("SELECT type, name FROM sqlite_schema WHERE type IN ('trigger', 'view')").all() as { name: string }[];
      if (objects.length > 0) throw new ProjectError('untrusted-schema', file, `holds schema objects a shard never has: ${objects.map((o) => o.name).join(', ')}`);
      const h: Record<string, unknown> = {};
      for (const row of db.prepare('SELECT key, value FROM header').all() as Record<string, unknown>[]) {
        const r = new RowReader(file, 'header', row.key);
        h[r.text('key', row.key, 64)] = r.json('value', row.value);
      }
      const r = new RowReader(file, 'header', '*');
      if (h.format !== 'astromorph-shard') r.fail('format', 'not an Astromorph shard');
      if (h.version !== SHARD_FORMAT_VERSION) r.fail('version', `shard format ${String(h.version)}, this version reads ${SHARD_FORMAT_VERSION}`);
      const count = r.integer('count', h.count, 1, MAX_SHARDS);
      const kind = r.oneOf('kind', h.kind, ['embed', 'add'] as const);
      const header = {
        kind,
        projectId: r.text('projectId', h.projectId, 100),
        index: r.integer('index', h.index, 0, count - 1),
        count,
        runId: kind === 'embed' ? r.integer('runId', h.runId, 1) : null,
        checkpointId: kind === 'embed' ? r.integer('checkpointId', h.checkpointId, 1) : null,
        fingerprint: kind === 'embed' ? r.text('fingerprint', h.fingerprint, 100) : null,
        assigned: r.integer('assigned', h.assigned, 0),
        complete: h.complete === true,
      };
      return new ShardReader(file, db, header);
    } catch (e) {
      db?.close();
      if (e instanceof ProjectError) throw e;
      throw new ProjectError('invalid-data', file, `cannot read the shard file: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Vectors in path order, each checked: relative path, dimension, length, finite values. */
  *vectors(): Generator<ShardVector> {
    for (const row of this.#db.prepare('SELECT rowid, path, dim, vector FROM vectors ORDER BY path').iterate() as Iterable<Record<string, unknown>>) {
      const r = new RowReader(this.file, 'vectors', row.rowid);
      const path = r.relativePath('path', row.path);
      const dim = r.integer('dim', row.dim, 1, MAX_DIM);
      const blob = r.blob('vector', row.vector, MAX_DIM * 4);
      if (blob.byteLength !== dim * 4) r.fail('vector', `${blob.byteLength} bytes, expected ${dim * 4}`);
      const vector = new Float32Array(dim);
      new Uint8Array(vector.buffer).set(blob);
      for (let j = 0; j < dim; j++) if (!Number.isFinite(vector[j]!)) r.fail('vector', `value ${j} is not finite`);
      yield { path, vector };
    }
  }

  vectorCount(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM vectors').get() as { n: number }).n;
  }

  skipped(): ShardSkip[] {
    return (this.#db.prepare('SELECT rowid, path, reason FROM skipped ORDER BY path').all() as Record<string, unknown>[]).map((row) => {
      const r = new RowReader(this.file, 'skipped', row.rowid);
      return { path: r.relativePath('path', row.path), reason: r.text('reason', row.reason, 4096) };
    });
  }

  *items(): Generator<ShardItem> {
    for (const row of this.#db.prepare('SELECT rowid, * FROM items ORDER BY path').iterate() as Iterable<Record<string, unknown>>) {
      const r = new RowReader(this.file, 'items', row.rowid);
      const png = r.blobOrNull('thumb_png', row.thumb_png, 16 << 20);
      yield {
        path: r.relativePath('path', row.path),
        root: r.text('root', row.root, 4096),
        record: r.json('record', row.record),
        thumbnail: png === null ? null : { width: r.integer('thumb_width', row.thumb_width, 1, 4096), height: r.integer('thumb_height', row.thumb_height, 1, 4096), png },
      };
    }
  }

  missing(): { path: string; unreadable: string | null }[] {
    return (this.#db.prepare('SELECT rowid, path, reason FROM missing ORDER BY path').all() as Record<string, unknown>[]).map((row) => {
      const r = new RowReader(this.file, 'missing', row.rowid);
      return { path: r.relativePath('path', row.path), unreadable: r.textOrNull('reason', row.reason, 4096) };
    });
  }

  roots(): { root: string; scanned: boolean }[] {
    return (this.#db.prepare('SELECT rowid, root, scanned FROM roots ORDER BY root').all() as Record<string, unknown>[]).map((row) => {
      const r = new RowReader(this.file, 'roots', row.rowid);
      return { root: r.text('root', row.root, 4096), scanned: r.integer('scanned', row.scanned, 0, 1) === 1 };
    });
  }

  close(): void {
    this.#db.close();
  }
}

/** How far an unfinished shard (FILE.partial) got: rows written so far, or null when it cannot be read now. */
export function partialProgress(file: string): { kind: ShardKind; done: number; assigned: number } | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    if (db.pragma('application_id', { simple: true }) !== SHARD_APPLICATION_ID) return null;
    const h = Object.fromEntries((db.prepare('SELECT key, value FROM header').all() as { key: string; value: string }[]).map((r) => [r.key, JSON.parse(r.value) as unknown]));
    const kind = h.kind === 'add' ? 'add' : 'embed';
    const table = kind === 'add' ? 'items' : 'vectors';
    const done = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
      + (db.prepare('SELECT count(*) AS n FROM skipped').get() as { n: number }).n;
    return { kind, done, assigned: typeof h.assigned === 'number' ? h.assigned : 0 };
  } catch {
    return null; // being written, or damaged: no progress to show
  } finally {
    db?.close();
  }
}
