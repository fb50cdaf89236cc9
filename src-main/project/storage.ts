// What takes the room in a project file: the bytes of each table (indexes counted with their table),
// the checkpoints split by what they can do, and the free pages a VACUUM would give back.
import fs from 'node:fs';
import type Database from 'better-sqlite3';

export interface TableSize {
  table: string;
  bytes: number;
}

/** The project file's size and what takes it. */
export interface ProjectStorage {
  /** The .amproj file plus its -wal file, as the disk holds them now. */
  fileBytes: number;
  walBytes: number;
  /** Pages no table uses: VACUUM gives them back. */
  freeBytes: number;
  /** Tables by size, largest first (pages, including their indexes and SQLite's own overhead). */
  tables: TableSize[];
  /**
   * Checkpoint bytes by kind: full training state (both networks and the optimiser moments: a run
   * can resume from it) and encoder-only weights (what a finished run embeds with).
   */
  checkpoints: {
    trainingState: number;
    encoderWeights: number;
    /** Runs with checkpoints that hold full training state. */
    trainingStateRuns: number[];
    /** Of those, the runs not finished: they can resume (compact drops their state only when asked). */
    resumableRuns: number[];
  };
}

/** Sizes from SQLite's dbstat table, mapped from each b-tree (index or table) to its table. */
export function projectStorage(db: Database.Database, file: string): ProjectStorage {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const freePages = db.pragma('freelist_count', { simple: true }) as number;
  const owners = new Map((db.prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')").all() as { name: string; tbl_name: string }[])
    .map((r) => [r.name, r.tbl_name]));
  const bytes = new Map<string, number>();
  for (const row of db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[]) {
    // sqlite_autoindex_x_1 and the like belong to their table; sqlite_schema is the file's own.
    const table = owners.get(row.name) ?? row.name;
    bytes.set(table, (bytes.get(table) ?? 0) + row.bytes);
  }
  const tables = [...bytes].map(([table, b]) => ({ table, bytes: b })).sort((a, b) => b.bytes - a.bytes || a.table.localeCompare(b.table));
  // length() reads the stored size without loading the blob.
  const rows = db.prepare(`SELECT c.run_id, r.status, length(c.weights) + coalesce(length(c.optimiser), 0) AS bytes, c.meta
    FROM checkpoints c JOIN runs r ON r.id = c.run_id`).all() as { run_id: number; status: unknown; bytes: number; meta: string }[];
  const checkpoints = { trainingState: 0, encoderWeights: 0, trainingStateRuns: [] as number[], resumableRuns: [] as number[] };
  const withState = new Map<number, boolean>();
  for (const r of rows) {
    if (encoderOnlyMeta(r.meta)) checkpoints.encoderWeights += r.bytes;
    else {
      checkpoints.trainingState += r.bytes;
      withState.set(r.run_id, r.status !== 'done');
    }
  }
  const runs = [...withState.keys()].sort((a, b) => a - b);
  checkpoints.trainingStateRuns = runs;
  checkpoints.resumableRuns = runs.filter((id) => withState.get(id));
  const size = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  return { fileBytes: size(file), walBytes: size(`${file}-wal`), freeBytes: freePages * pageSize, tables, checkpoints };
}

/** A checkpoint's meta (JSON text, untrusted) marks it encoder-only. */
export function encoderOnlyMeta(meta: unknown): boolean {
  if (typeof meta !== 'string') return false;
  try {
    const m = JSON.parse(meta) as unknown;
    return m !== null && typeof m === 'object' && (m as { encoderOnly?: unknown }).encoderOnly === true;
  } catch {
    return false;
  }
}
