// The project file's schema as an ordered list of forward migrations. PRAGMA user_version holds the
// number of migrations applied; each runs in its own transaction together with the version bump,
// so a failed migration leaves the file exactly at the previous version.
import Database from 'better-sqlite3';
import { ProjectError } from './errors.ts';

/** 'AMPJ' — marks an SQLite file as an Astromorph project (PRAGMA application_id). */
export const APPLICATION_ID = 0x414d504a;

export interface Migration {
  /** The user_version after this migration. Versions are 1, 2, 3, … in order. */
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'settings, data folders, items, thumbnails, runs, checkpoints, losses, embeddings, tags',
    up(db) {
      db.exec(`
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL                      -- JSON
        );
        CREATE TABLE datasets (
          id         INTEGER PRIMARY KEY,
          root       TEXT NOT NULL UNIQUE,         -- relative to the project file's folder
          root_abs   TEXT NOT NULL,                -- absolute, as given when added
          added_at   INTEGER NOT NULL,
          scanned_at INTEGER
        );
        CREATE TABLE items (
          id           INTEGER PRIMARY KEY,
          dataset_id   INTEGER NOT NULL REFERENCES datasets(id),
          path         TEXT NOT NULL UNIQUE,       -- relative to the project file's folder
          size         INTEGER NOT NULL,
          mtime_ms     REAL NOT NULL,
          content_hash TEXT,
          hdu          INTEGER,
          shape        TEXT,                       -- JSON, FITS order
          axis_kinds   TEXT,                       -- JSON
          bitpix       INTEGER,
          status       TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'missing')),
          error        TEXT,
          object       TEXT,
          ra           REAL,
          dec          REAL,
          restfrq      REAL,
          bunit        TEXT,
          bmaj         REAL,
          bmin         REAL,
          bpa          REAL,
          telescope    TEXT,
          instrument   TEXT,
          header       TEXT NOT NULL DEFAULT '{}', -- JSON of selected cards
          issues       TEXT NOT NULL DEFAULT '[]', -- JSON of FITS verify issues
          scanned_at   INTEGER NOT NULL
        );
        CREATE INDEX items_dataset ON items(dataset_id);
        CREATE INDEX items_status ON items(status);
        CREATE TABLE thumbnails (
          item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
          width   INTEGER NOT NULL,
          height  INTEGER NOT NULL,
          png     BLOB NOT NULL
        );
        CREATE TABLE runs (
          id          INTEGER PRIMARY KEY,
          created_at  INTEGER NOT NULL,
          kind        TEXT NOT NULL CHECK (kind IN ('training')),
          config      TEXT NOT NULL,               -- JSON
          backend     TEXT NOT NULL,
          seed        INTEGER NOT NULL,
          status      TEXT NOT NULL CHECK (status IN ('running', 'paused', 'cancelled', 'failed', 'done')),
          epochs_done INTEGER NOT NULL DEFAULT 0,
          steps_done  INTEGER NOT NULL DEFAULT 0,
          error       TEXT
        );
        CREATE TABLE checkpoints (
          id         INTEGER PRIMARY KEY,
          run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          epoch      INTEGER NOT NULL,
          step       INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          weights    BLOB NOT NULL,
          optimiser  BLOB,
          rng        TEXT NOT NULL,                -- JSON
          meta       TEXT NOT NULL                 -- JSON
        );
        CREATE INDEX checkpoints_run ON checkpoints(run_id, step);
        CREATE TABLE losses (
          run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          epoch        INTEGER NOT NULL,
          step         INTEGER NOT NULL,
          loss         REAL,                    -- NULL for a NaN loss
          images_per_s REAL,
          data_wait    REAL,
          PRIMARY KEY (run_id, step)
        ) WITHOUT ROWID;
        CREATE TABLE embeddings (
          run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          dim     INTEGER NOT NULL,
          vector  BLOB NOT NULL,                   -- float32 little-endian, dim values
          PRIMARY KEY (run_id, item_id)
        );
        CREATE TABLE tags (
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          tag     TEXT NOT NULL,
          PRIMARY KEY (item_id, tag)
        ) WITHOUT ROWID;
        CREATE INDEX tags_tag ON tags(tag);
      `);
    },
  },
  {
    version: 2,
    description: 'maps, clusterings and outlier scores of embedding runs',
    up(db) {
      // Each result is one row: item ids and per-item values as little-endian BLOBs aligned with them,
      // so a 100,000-item map is one read, and a new embedding of the run never mixes with an old map.
      db.exec(`
        CREATE TABLE maps (
          id                 INTEGER PRIMARY KEY,
          run_id             INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          method             TEXT NOT NULL CHECK (method IN ('pca', 'tsne', 'umap')),
          params             TEXT NOT NULL,        -- JSON, defaults filled in
          created_at         INTEGER NOT NULL,
          item_ids           BLOB NOT NULL,        -- uint32, n values
          coords             BLOB NOT NULL,        -- float32, n x 2, row-major
          info               TEXT NOT NULL,        -- JSON: what the method reports (KL divergence, epochs, …)
          explained_variance TEXT,                 -- JSON, PCA only: {variance, ratio, total}
          components         BLOB,                 -- float32, k x dim, PCA only: the loadings
          mean               BLOB                  -- float32, dim, PCA only
        );
        CREATE INDEX maps_run ON maps(run_id, method, id);
        CREATE TABLE clusterings (
          id            INTEGER PRIMARY KEY,
          run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          method        TEXT NOT NULL CHECK (method IN ('kmeans', 'density')),
          params        TEXT NOT NULL,             -- JSON
          created_at    INTEGER NOT NULL,
          cluster_count INTEGER NOT NULL,
          item_ids      BLOB NOT NULL,             -- uint32, n values
          labels        BLOB NOT NULL,             -- int32, n values; -1 is noise
          info          TEXT NOT NULL              -- JSON
        );
        CREATE INDEX clusterings_run ON clusterings(run_id, method, id);
        CREATE TABLE outlier_scorings (
          id         INTEGER PRIMARY KEY,
          run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          params     TEXT NOT NULL,                -- JSON
          created_at INTEGER NOT NULL,
          item_ids   BLOB NOT NULL,                -- uint32, n values
          scores     BLOB NOT NULL                 -- float32, n values; larger is stranger
        );
        CREATE INDEX outlier_scorings_run ON outlier_scorings(run_id, id);
      `);
    },
  },
  {
    version: 3,
    description: 'nearest-neighbour graphs of embedding runs',
    up(db) {
      // The k nearest neighbours of every item: the slow common step of t-SNE, UMAP, density clusters
      // and outlier scores, kept so each of them after the first starts from it.
      db.exec(`
        CREATE TABLE knn_graphs (
          id          INTEGER PRIMARY KEY,
          run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          metric      TEXT NOT NULL CHECK (metric IN ('cosine', 'euclidean')),
          k           INTEGER NOT NULL,
          embeddings  TEXT NOT NULL,               -- fingerprint of the vectors it was computed from
          approximate INTEGER NOT NULL,            -- 1 when found with HNSW rather than an exact scan
          created_at  INTEGER NOT NULL,
          item_ids    BLOB NOT NULL,               -- uint32, n values
          indices     BLOB NOT NULL,               -- int32, n x k rows (embedding row numbers), nearest first
          distances   BLOB NOT NULL                -- float32, n x k
        );
        CREATE INDEX knn_graphs_run ON knn_graphs(run_id, metric, k);
      `);
    },
  },
  {
    version: 4,
    description: 'embeddings written beside the old set and swapped in at the end; stale vectors marked',
    up(db) {
      // A re-embed writes its vectors to embeddings_staging and moves them into embeddings in one
      // transaction at the end, so a kill or a crash part way leaves the previous set whole. An item
      // whose file could not be read keeps its previous vector with stale = 1.
      db.exec(`
        ALTER TABLE embeddings ADD COLUMN stale INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1));
        CREATE TABLE embeddings_staging (
          run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          dim     INTEGER NOT NULL,
          vector  BLOB NOT NULL,                   -- float32 little-endian, dim values
          PRIMARY KEY (run_id, item_id)
        );
      `);
    },
  },
  {
    version: 5,
    description: 'the items a training run left out, with the reason',
    up(db) {
      // JSON [{path, reason}]: an unusable image is skipped rather than stopping the run, and the run
      // keeps the list so what it was trained on can be told later.
      db.exec("ALTER TABLE runs ADD COLUMN skipped TEXT NOT NULL DEFAULT '[]'");
    },
  },
  {
    version: 6,
    description: 'multi-band objects: which item (and HDU) is which band of which object',
    up(db) {
      // One row per band of an object; an item with no row is an object of its own, as before, so a
      // project from an older version reads unchanged. The object's embedding is stored on the item of
      // its first band (the one listed first in band order).
      db.exec(`
        CREATE TABLE item_bands (
          object  TEXT NOT NULL,
          band    TEXT NOT NULL,
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          hdu     INTEGER NOT NULL,
          PRIMARY KEY (object, band)
        ) WITHOUT ROWID;
        CREATE INDEX item_bands_item ON item_bands(item_id);
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** What a schema version consists of: each object as 'type name' with its table, and each table's columns. */
interface SchemaShape {
  objects: Map<string, string>;
  columns: Map<string, string[]>;
}

function shapeOf(db: Database.Database): SchemaShape {
  const objects = new Map<string, string>();
  const columns = new Map<string, string[]>();
  const rows = db.prepare('SELECT type, name, tbl_name FROM sqlite_schema').all() as { type: string; name: string; tbl_name: string }[];
  for (const { type, name, tbl_name: table } of rows) {
    objects.set(`${type} ${name}`, table);
    if (type === 'table') {
      // Name, type, constraints and default of every column (hidden: generated): an added DEFAULT or
      // generated column would run its expression on the app's own inserts.
      const info = db.prepare('SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)').all(name) as Record<string, unknown>[];
      columns.set(name, info.map((c) => JSON.stringify([c.name, c.type, c.notnull, c.dflt_value, c.pk, c.hidden])));
    }
  }
  return { objects, columns };
}

const expectedShapes = new Map<number, SchemaShape>();

/** The schema the migrations up to `version` make, built once in memory. */
function expectedShape(version: number): SchemaShape {
  let shape = expectedShapes.get(version);
  if (!shape) {
    const db = new Database(':memory:');
    try {
      for (const m of MIGRATIONS.slice(0, version)) m.up(db);
      shape = shapeOf(db);
    } finally {
      db.close();
    }
    expectedShapes.set(version, shape);
  }
  return shape;
}

/**
 * The schema objects of a project file at `version` that Astromorph's migrations did not make:
 * triggers, views, tables, indexes and columns, each named ('trigger steal (on tags)'). A trigger in a
 * file from someone else would run on this app's writes; none may be there when the project opens.
 */
export function unexpectedSchemaObjects(db: Database.Database, version: number): string[] {
  const expected = expectedShape(version);
  const found = shapeOf(db);
  const out: string[] = [];
  for (const [key, table] of found.objects) {
    // SQLite's own bookkeeping (ANALYZE statistics, AUTOINCREMENT counters) is not code.
    if (/^table sqlite_(stat\d|sequence)$/.test(key) || expected.objects.has(key)) continue;
    out.push(key.startsWith('table ') || key.startsWith('view ') ? key : `${key} (on ${table})`);
  }
  for (const [table, columns] of found.columns) {
    const want = expected.columns.get(table);
    if (!want) continue;
    for (const c of columns) {
      if (want.includes(c)) continue;
      const [name] = JSON.parse(c) as [string];
      out.push(`column ${name} of table ${table}`);
    }
  }
  return out;
}

/**
 * Applies the migrations after the file's user_version, each in its own transaction. `beforeUpgrade`
 * runs once before the first one when an existing project (schema >= 1) is about to change (the backup).
 */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS,
  beforeUpgrade?: (fromVersion: number, toVersion: number) => void): void {
  const latest = migrations.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new ProjectError('newer-schema', file,
      `written by a newer version of Astromorph (project schema ${current}; this version reads up to ${latest}). ` +
      'Update Astromorph to open it.');
  }
  if (current >= 1 && current < latest) beforeUpgrade?.(current, latest);
  for (const m of migrations.slice(current)) {
    if (m.version !== migrations.indexOf(m) + 1) throw new Error(`migration list out of order at version ${m.version}`);
    try {
      db.transaction(() => {
        if (m.version === 1) db.pragma(`application_id = ${APPLICATION_ID}`);
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } catch (e) {
      throw new ProjectError('migration', file,
        `upgrading the project to schema ${m.version} (${m.description}) failed: ${(e as Error).message}; the file is unchanged at schema ${m.version - 1}`,
        { cause: e });
    }
  }
}
