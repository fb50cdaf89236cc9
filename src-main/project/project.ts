// The project file: one SQLite database (.amproj) in WAL mode, holding the dataset manifest,
// thumbnails, training runs, checkpoints and embeddings. Closing checkpoints the WAL back into the
// single file, so the .amproj alone is complete and can be copied or mailed.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BandStore } from './band-store.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { ClusterStore } from './cluster-store.ts';
import { DatasetStore } from './dataset-store.ts';
import { EmbeddingStore } from './embedding-store.ts';
import { ProjectError } from './errors.ts';
import { ItemStore } from './item-store.ts';
import { KnnGraphStore } from './knn-graph-store.ts';
import { LossStore } from './loss-store.ts';
import { MapStore } from './map-store.ts';
import { OutlierStore } from './outlier-store.ts';
import { RunStore } from './run-store.ts';
import { APPLICATION_ID, migrate, MIGRATIONS, SCHEMA_VERSION, unexpectedSchemaObjects } from './schema.ts';
import { Settings } from './settings.ts';
import { TagStore } from './tag-store.ts';
import { ThumbnailStore } from './thumbnail-store.ts';
import { backupBeforeMigration } from './backup.ts';
import { projectStorage, type ProjectStorage } from './storage.ts';
import { describeHolder, ProjectLock, type LockHolder } from './lock.ts';

export interface OpenOptions {
  /**
   * Take the project's lock (a survey.amproj-lock file with pid and host). When another live process
   * holds it, the project opens read-only and `lockedBy` names that process. Without it, no lock is
   * taken or checked (worker processes of the app that holds the lock open this way).
   */
  lock?: boolean;
  /**
   * Open for reading only, without taking or checking the lock: the tasks of a sharded job read the
   * project side by side and write only their own shard files.
   */
  readOnly?: boolean;
}

export const PROJECT_EXTENSION = '.amproj';
const SQLITE_MAGIC = 'SQLite format 3\0';

export class Project {
  /** Absolute path of the .amproj file. */
  readonly path: string;
  /** Absolute folder of the project file; item and data-folder paths are relative to it. */
  readonly folder: string;
  readonly settings: Settings;
  readonly datasets: DatasetStore;
  readonly items: ItemStore;
  readonly thumbnails: ThumbnailStore;
  readonly runs: RunStore;
  readonly checkpoints: CheckpointStore;
  readonly losses: LossStore;
  readonly embeddings: EmbeddingStore;
  readonly tags: TagStore;
  readonly maps: MapStore;
  readonly clusterings: ClusterStore;
  readonly outliers: OutlierStore;
  readonly knnGraphs: KnnGraphStore;
  /** Multi-band objects: the items that are bands of one object. */
  readonly bands: BandStore;
  /** True when another process holds the lock: reads work, writes throw SQLITE_READONLY. */
  readonly readOnly: boolean;
  /** The process holding the lock when this project opened read-only. */
  readonly lockedBy: LockHolder | null;
  /** The copy made before this open upgraded an older schema, or null. */
  readonly backupPath: string | null;
  readonly #db: Database.Database;
  readonly #lock: ProjectLock | null;
  readonly #totalChanges: Database.Statement<[], number>;

  private constructor(file: string, db: Database.Database, access: { lock: ProjectLock | null; lockedBy: LockHolder | null; backupPath: string | null; readOnly: boolean }) {
    this.path = file;
    this.folder = path.dirname(file);
    this.#db = db;
    this.#lock = access.lock;
    this.lockedBy = access.lockedBy;
    this.readOnly = access.readOnly;
    this.backupPath = access.backupPath;
    this.#totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
    this.settings = new Settings(db, file);
    this.datasets = new DatasetStore(db, file);
    this.items = new ItemStore(db, file);
    this.thumbnails = new ThumbnailStore(db, file);
    this.runs = new RunStore(db, file);
    this.checkpoints = new CheckpointStore(db, file);
    this.losses = new LossStore(db, file);
    this.embeddings = new EmbeddingStore(db, file);
    this.tags = new TagStore(db, file);
    this.maps = new MapStore(db, file);
    this.clusterings = new ClusterStore(db, file);
    this.outliers = new OutlierStore(db, file);
    this.knnGraphs = new KnnGraphStore(db, file);
    this.bands = new BandStore(db, file);
  }

  /** Creates a new project file; refuses to overwrite an existing file. */
  static create(file: string, options: OpenOptions = {}): Project {
    const abs = path.resolve(file);
    if (fs.existsSync(abs)) throw new ProjectError('exists', abs, 'a file already exists here; open it or choose another name');
    if (!fs.existsSync(path.dirname(abs))) throw new ProjectError('not-found', abs, `folder ${path.dirname(abs)} does not exist`);
    return Project.#connect(abs, true, options);
  }

  /**
   * Opens an existing project file, upgrading its schema if it is older than this version's (after
   * copying it to a backup beside it; see backupPath).
   */
  static open(file: string, options: OpenOptions = {}): Project {
    const abs = path.resolve(file);
    let magic: Buffer;
    try {
      const fd = fs.openSync(abs, 'r');
      try {
        magic = Buffer.alloc(16);
        const n = fs.readSync(fd, magic, 0, 16, 0);
        magic = magic.subarray(0, n);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') throw new ProjectError('not-found', abs, 'no such project file', { cause: e });
      if (err.code === 'EISDIR') throw new ProjectError('not-sqlite', abs, 'is a folder, not a project file', { cause: e });
      throw new ProjectError('io', abs, `cannot read the project file: ${err.message}`, { cause: e });
    }
    if (magic.toString('latin1') !== SQLITE_MAGIC) {
      throw new ProjectError('not-sqlite', abs, magic.length === 0 ? 'the file is empty, not an Astromorph project'
        : 'not an Astromorph project (not an SQLite database)');
    }
    return Project.#connect(abs, false, options);
  }

  static #connect(file: string, creating: boolean, options: OpenOptions): Project {
    let db: Database.Database | undefined;
    let lock: ProjectLock | null = null;
    let lockedBy: LockHolder | null = null;
    let backup: string | null = null;
    try {
      if (options.lock && !options.readOnly) {
        const got = ProjectLock.acquire(file);
        lock = got.lock ?? null;
        lockedBy = got.heldBy ?? null;
      }
      const readonly = lockedBy !== null || (options.readOnly === true && !creating);
      db = new Database(file, { fileMustExist: !creating, readonly });
      // Functions with side effects may not run from the file's own schema (triggers, views, defaults).
      db.pragma('trusted_schema = OFF');
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a kill never corrupts; a power cut may lose the last commits
      }
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      if (!creating) {
        const check = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
        const problems = check.map((r) => r.quick_check).filter((m) => m !== 'ok');
        if (problems.length > 0) throw new ProjectError('damaged', file, `the project file is damaged: ${problems.slice(0, 3).join('; ')}`);
        const appId = db.pragma('application_id', { simple: true }) as number;
        const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get() as { n: number }).n;
        if (appId !== APPLICATION_ID && !(appId === 0 && tables === 0)) {
          throw new ProjectError('not-project', file, 'an SQLite database, but not an Astromorph project');
        }
      }
      const version = db.pragma('user_version', { simple: true }) as number;
      if (!creating && version <= SCHEMA_VERSION) {
        // Before anything is written (the migration, the first scan): a trigger would run on those writes.
        const unexpected = unexpectedSchemaObjects(db, version);
        if (unexpected.length > 0) {
          throw new ProjectError('untrusted-schema', file, `holds schema objects Astromorph did not create: ${unexpected.join(', ')}; `
            + 'a trigger or view there could run on this app\'s own changes, so the project was not opened. If you trust the file, '
            + 'remove them with an SQLite tool (e.g. DROP TRIGGER name) and open it again');
        }
      }
      if (readonly && version < SCHEMA_VERSION) {
        throw new ProjectError('read-only', file, `needs upgrading from schema ${version} to ${SCHEMA_VERSION}, but `
          + (lockedBy ? `${describeHolder(lockedBy)} has it open; close it there and open it again` : 'it was opened read-only; open it once in astromorph to upgrade it'));
      }
      if (readonly) migrate(db, file); // nothing to apply: only the newer-schema check
      else migrate(db, file, MIGRATIONS, (from) => { backup = backupBeforeMigration(db!, file, from); });
      return new Project(file, db, { lock, lockedBy, backupPath: backup, readOnly: readonly });
    } catch (e) {
      try {
        db?.close();
      } catch {
        // already failing; the first error is the one to report
      }
      lock?.release();
      if (creating) fs.rmSync(file, { force: true });
      throw translate(e, file);
    }
  }

  /** SQLite's trusted_schema: always false here, so the file's own schema cannot call functions with side effects. */
  get trustedSchema(): boolean {
    return (this.#db.pragma('trusted_schema', { simple: true }) as number) !== 0;
  }

  get schemaVersion(): number {
    return this.#db.pragma('user_version', { simple: true }) as number;
  }

  get isOpen(): boolean {
    return this.#db.open;
  }

  /**
   * Differs whenever anything in the file may have changed since the last call that returned the same
   * value: this connection's row changes (total_changes) and other connections' commits (data_version).
   * Lets a cache of a derived result (the items a filter passes) be reused without re-reading.
   */
  changeStamp(): string {
    return `${this.#db.pragma('data_version', { simple: true }) as number}:${this.#totalChanges.get()}`;
  }

  /** Runs fn in one write transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  /** SQLite's integrity_check: ['ok'] for a sound file, otherwise the problems found. */
  integrityCheck(): string[] {
    return (this.#db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  /** The file's size and what takes it (tables, checkpoint kinds, free pages). */
  storage(): ProjectStorage {
    return projectStorage(this.#db, this.path);
  }

  /**
   * Rewrites the file without its free pages (SQLite's VACUUM) and folds the WAL back in, so the
   * .amproj on disk shrinks to what it holds. Needs a writable project and no open transaction.
   */
  vacuum(): void {
    this.assertWritable('compact the project file');
    this.#db.exec('VACUUM');
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Checkpoints the WAL into the .amproj file and closes it; calling it twice is harmless. */
  close(): void {
    if (!this.#db.open) return;
    try {
      if (!this.readOnly) this.#db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.#db.close();
      this.#lock?.release();
    }
  }

  /** Throws a clear 'read-only' error naming the lock holder when this project cannot be written. */
  assertWritable(action: string): void {
    if (this.lockedBy) {
      throw new ProjectError('read-only', this.path, `cannot ${action}: the project is open read-only because ${describeHolder(this.lockedBy)} has it open`);
    }
  }
}

function translate(e: unknown, file: string): Error {
  if (e instanceof ProjectError) return e;
  const code = (e as { code?: unknown }).code;
  const message = (e as Error).message ?? String(e);
  if (code === 'SQLITE_NOTADB') return new ProjectError('not-sqlite', file, 'not an Astromorph project (not an SQLite database)', { cause: e });
  if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')) {
    return new ProjectError('damaged', file, `the project file is damaged: ${message}`, { cause: e });
  }
  if (typeof code === 'string' && (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY'))) {
    return new ProjectError('io', file, `cannot open the project file: ${message}`, { cause: e });
  }
  return e instanceof Error ? e : new Error(String(e));
}

export { SCHEMA_VERSION };
