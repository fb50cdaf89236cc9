// One row per FITS file: where it is, what the scan found, and the searchable header columns.
import path from 'node:path';
import type Database from 'better-sqlite3';
import { MAX_VISIBLE_TEXT, visibleText } from '../dataset/visible-text.ts';
import type { KnownFile } from '../dataset/index.ts';
import type {
  AxisKind, DatasetItem, HeaderValue, ItemFilter, ItemIssue, ItemRecord, ItemStatus,
} from '../dataset/index.ts';
import { ProjectError } from './errors.ts';
import { RowReader } from './untrusted.ts';
import { outsideRootProblem, relativePathProblem } from './stored-path.ts';

const STATUSES: readonly ItemStatus[] = ['ok', 'failed', 'missing'];
const AXIS_KINDS: readonly AxisKind[] = ['spatial', 'spectral', 'stokes', 'other'];
const BITPIXES = [8, 16, 32, 64, -32, -64];
/** Bound for OBJECT, BUNIT, TELESCOP, INSTRUME and header strings (the reader allows 1024). */
const SHORT_TEXT = 1024;

const COLUMNS = `id, dataset_id, path, size, mtime_ms, content_hash, hdu, shape, axis_kinds, bitpix, status, error,
  object, ra, dec, restfrq, bunit, bmaj, bmin, bpa, telescope, instrument, header, issues, scanned_at,
  (SELECT root FROM datasets WHERE datasets.id = items.dataset_id) AS dataset_root`;

type ItemRow = Record<string, unknown>;

/** A row that failed the untrusted-input check on the way out: skipped, and named so it can be reported. */
export interface DamagedRow {
  /** The row's id when it is a usable integer. */
  id: number | null;
  /** Its stored relative path when that is readable text, shown escaped. */
  path: string | null;
  /** The ProjectError message: file, table, row and column. */
  problem: string;
}

export class ItemStore {
  readonly #db: Database.Database;
  readonly #file: string;
  readonly #folder: string;
  readonly #save: Database.Statement<Record<string, unknown>, { id: number }>;
  readonly #knownAll: Database.Statement<[], ItemRow>;
  readonly #knownUnder: Database.Statement<[string, string, string], ItemRow>;
  readonly #missing: Database.Statement<[number, number]>;
  readonly #errorOf: Database.Statement<[number], { error: unknown }>;
  readonly #setError: Database.Statement<[string, number]>;
  readonly #get: Database.Statement<[number], ItemRow>;
  readonly #byPath: Database.Statement<[string], ItemRow>;
  readonly #counts: Database.Statement<[], { status: unknown; n: number }>;
  readonly #move: Database.Statement<[string, number, number]>;
  readonly #unknown: Database.Statement<[string], { id: unknown }>;
  readonly #unreadable: Database.Statement<[string, number, number]>;

  constructor(db: Database.Database, file: string) {
    this.#db = db;
    this.#file = file;
    this.#folder = path.dirname(file);
    this.#save = db.prepare(`INSERT INTO items (dataset_id, path, size, mtime_ms, content_hash, hdu, shape, axis_kinds,
        bitpix, status, error, object, ra, dec, restfrq, bunit, bmaj, bmin, bpa, telescope, instrument, header, issues, scanned_at)
      VALUES (@datasetId, @path, @size, @mtimeMs, @contentHash, @hdu, @shape, @axisKinds, @bitpix, @status, @error,
        @object, @ra, @dec, @restfrq, @bunit, @bmaj, @bmin, @bpa, @telescope, @instrument, @header, @issues, @scannedAt)
      ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
        content_hash = excluded.content_hash, hdu = excluded.hdu, shape = excluded.shape, axis_kinds = excluded.axis_kinds,
        bitpix = excluded.bitpix, status = excluded.status, error = excluded.error, object = excluded.object,
        ra = excluded.ra, dec = excluded.dec, restfrq = excluded.restfrq, bunit = excluded.bunit, bmaj = excluded.bmaj,
        bmin = excluded.bmin, bpa = excluded.bpa, telescope = excluded.telescope, instrument = excluded.instrument,
        header = excluded.header, issues = excluded.issues, scanned_at = excluded.scanned_at
      RETURNING id`);
    this.#knownAll = db.prepare('SELECT id, path, size, mtime_ms, status FROM items');
    // Binary collation: every path under 'd/' sorts in ['d/', 'd0') because '0' follows '/'.
    this.#knownUnder = db.prepare('SELECT id, path, size, mtime_ms, status FROM items WHERE path = ? OR (path >= ? AND path < ?)');
    this.#missing = db.prepare("UPDATE items SET status = 'missing', scanned_at = ? WHERE id = ?");
    this.#errorOf = db.prepare('SELECT error FROM items WHERE id = ?');
    this.#setError = db.prepare('UPDATE items SET error = ? WHERE id = ?');
    this.#get = db.prepare(`SELECT ${COLUMNS} FROM items WHERE id = ?`);
    this.#byPath = db.prepare(`SELECT ${COLUMNS} FROM items WHERE path = ?`);
    this.#counts = db.prepare('SELECT status, count(*) AS n FROM items GROUP BY status');
    this.#move = db.prepare(`UPDATE items SET path = ?, dataset_id = ?, status = CASE status WHEN 'missing' THEN 'ok' ELSE status END
      WHERE id = ?`);
    this.#unreadable = db.prepare("UPDATE items SET status = 'failed', error = ?, scanned_at = ? WHERE id = ?");
    this.#unknown = db.prepare('SELECT DISTINCT value AS id FROM json_each(?) WHERE value NOT IN (SELECT id FROM items) ORDER BY value');
  }

  /**
   * Inserts or updates the item with this path; returns its id. Text that came from the file (the error
   * quoting its bytes, card values) is stored escaped and bounded, so the row always reads back.
   */
  save(rec: ItemRecord): number {
    const m = rec.metadata;
    const text = (v: string | null, max = SHORT_TEXT) => (v === null ? null : visibleText(v, max));
    const header = Object.fromEntries(Object.entries(rec.header)
      .map(([k, v]) => [visibleText(k, 80), typeof v === 'string' ? visibleText(v, SHORT_TEXT) : v]));
    const issues = rec.issues.map((i) => ({
      ...i, code: visibleText(i.code, 80), message: visibleText(i.message),
      ...(i.keyword === undefined ? {} : { keyword: visibleText(i.keyword, 80) }),
    }));
    return this.#save.get({
      datasetId: rec.datasetId, path: rec.path, size: rec.size, mtimeMs: rec.mtimeMs, contentHash: rec.contentHash,
      hdu: rec.hdu, shape: rec.shape && JSON.stringify(rec.shape), axisKinds: rec.axisKinds && JSON.stringify(rec.axisKinds),
      bitpix: rec.bitpix, status: rec.status, error: text(rec.error, MAX_VISIBLE_TEXT),
      object: text(m.object), ra: m.ra, dec: m.dec, restfrq: m.restfrq, bunit: text(m.bunit), bmaj: m.bmaj, bmin: m.bmin, bpa: m.bpa,
      telescope: text(m.telescope), instrument: text(m.instrument), header: JSON.stringify(header), issues: JSON.stringify(issues),
      scannedAt: Date.now(),
    })!.id;
  }

  /** Items at or under a relative folder ('' or '.' = all), keyed by relative path. */
  knownUnder(relativeFolder: string): Map<string, KnownFile> {
    const all = relativeFolder === '' || relativeFolder === '.';
    const rows = all ? this.#knownAll.all() : this.#knownUnder.all(relativeFolder, `${relativeFolder}/`, `${relativeFolder}0`);
    const out = new Map<string, KnownFile>();
    for (const row of rows) {
      const r = new RowReader(this.#file, 'items', row.id);
      const rel = r.relativePath('path', row.path);
      if (all && (rel === '..' || rel.startsWith('../'))) continue; // outside the project folder
      out.set(rel, {
        id: r.integer('id', row.id, 1),
        size: r.integer('size', row.size),
        mtimeMs: r.finite('mtime_ms', row.mtime_ms),
        status: r.oneOf('status', row.status, STATUSES),
      });
    }
    return out;
  }

  /** Points an item at its file's new place (relocation): a relative path inside data folder datasetId. */
  moveTo(id: number, relativePath: string, datasetId: number): void {
    this.#move.run(relativePath, datasetId, id);
  }

  /** The ids (ascending, once each) that name no item: one query, however many ids are asked about. */
  unknownIds(ids: readonly number[]): number[] {
    if (ids.length === 0) return [];
    return this.#unknown.all(JSON.stringify(ids)).map((row) => Number(row.id));
  }

  /** The item's file cannot be read now (its folder cannot): status 'failed' with the reason; shape, header,
   * thumbnail and embeddings stay, and the next scan that can read it makes it 'ok' again. */
  markUnreadable(id: number, reason: string): void {
    this.#unreadable.run(visibleText(reason, MAX_VISIBLE_TEXT), Date.now(), id);
  }

  markMissing(ids: readonly number[]): void {
    const now = Date.now();
    for (const id of ids) {
      this.#missing.run(now, id);
      // A missing file is never read again, so this is the one chance to repair an error text an older
      // version stored raw (a NUL from the header): otherwise the row stays unreadable for good.
      const { error } = this.#errorOf.get(id) ?? { error: null };
      if (typeof error === 'string') {
        const visible = visibleText(error, MAX_VISIBLE_TEXT);
        if (visible !== error) this.#setError.run(visible, id);
      }
    }
  }

  /**
   * Id and stored path of every readable item (status ok, an image HDU), in path order, checked: without
   * the rest of each row, so a survey's million items list in little memory (sharded embedding uses it).
   */
  embeddable(onDamaged?: (row: DamagedRow) => void): { id: number; path: string }[] {
    const rows = this.#db.prepare("SELECT id, path FROM items WHERE status = 'ok' AND hdu IS NOT NULL ORDER BY path").all() as ItemRow[];
    return rows.flatMap((row) => {
      const r = new RowReader(this.#file, 'items', row.id);
      try {
        return [{ id: r.integer('id', row.id, 1), path: r.relativePath('path', row.path) }];
      } catch (e) {
        if (!(e instanceof ProjectError) || !onDamaged) throw e;
        onDamaged({ id: typeof row.id === 'number' ? row.id : null, path: typeof row.path === 'string' ? visibleText(row.path) : null, problem: e.message });
        return [];
      }
    });
  }

  /**
   * Absolute path of every item by id, from the path column alone (checked as in get): what a map's
   * million points need, without parsing each row's header.
   */
  absolutePaths(): Map<number, string> {
    const out = new Map<number, string>();
    for (const row of this.#db.prepare('SELECT id, path FROM items').iterate() as Iterable<ItemRow>) {
      const r = new RowReader(this.#file, 'items', row.id);
      const rel = r.relativePath('path', row.path);
      const problem = relativePathProblem(rel);
      if (problem) r.fail('path', `${problem}: ${JSON.stringify(rel)}`);
      out.set(r.integer('id', row.id, 1), path.resolve(this.#folder, rel));
    }
    return out;
  }

  get(id: number): DatasetItem | undefined {
    const row = this.#get.get(id);
    return row && this.#toItem(row);
  }

  byPath(relativePath: string): DatasetItem | undefined {
    const row = this.#byPath.get(relativePath);
    return row && this.#toItem(row);
  }

  /**
   * The items passing the filter, in path order. A row that fails the untrusted-input check throws,
   * unless onDamaged is given: then it is skipped and passed there, so one bad row does not hide every
   * other item from a listing. Callers that act on every row (relocation) stay strict.
   */
  list(filter: ItemFilter = {}, onDamaged?: (row: DamagedRow) => void): DatasetItem[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) {
      const s = Array.isArray(filter.status) ? filter.status : [filter.status];
      where.push(`status IN (${s.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...s);
    }
    if (filter.datasetId !== undefined) {
      where.push('dataset_id = ?');
      params.push(filter.datasetId);
    }
    if (filter.under !== undefined && filter.under !== '' && filter.under !== '.') {
      const u = filter.under.replace(/\/+$/, '');
      where.push('(path = ? OR (path >= ? AND path < ?))');
      params.push(u, `${u}/`, `${u}0`);
    }
    if (filter.tag !== undefined) {
      where.push('id IN (SELECT item_id FROM tags WHERE tag = ?)');
      params.push(filter.tag);
    }
    if (filter.search !== undefined && filter.search !== '') {
      where.push("(instr(lower(path), ?) > 0 OR instr(lower(coalesce(object, '')), ?) > 0)");
      const s = filter.search.toLowerCase();
      params.push(s, s);
    }
    let sql = `SELECT ${COLUMNS} FROM items${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY path`;
    if (filter.limit !== undefined || filter.offset !== undefined) {
      sql += ' LIMIT ? OFFSET ?';
      params.push(filter.limit ?? -1, filter.offset ?? 0);
    }
    const out: DatasetItem[] = [];
    for (const row of this.#db.prepare(sql).all(...params) as ItemRow[]) {
      try {
        out.push(this.#toItem(row));
      } catch (e) {
        if (!onDamaged || !(e instanceof ProjectError) || e.code !== 'invalid-data') throw e;
        onDamaged({
          id: typeof row.id === 'number' && Number.isSafeInteger(row.id) ? row.id : null,
          path: typeof row.path === 'string' ? visibleText(row.path, 4096) : null,
          problem: e.message,
        });
      }
    }
    return out;
  }

  countByStatus(): Record<ItemStatus, number> {
    const out: Record<ItemStatus, number> = { ok: 0, failed: 0, missing: 0 };
    for (const row of this.#counts.all()) {
      out[new RowReader(this.#file, 'items', '*').oneOf('status', row.status, STATUSES)] = row.n;
    }
    return out;
  }

  #toItem(row: ItemRow): DatasetItem {
    const r = new RowReader(this.#file, 'items', row.id);
    const rel = r.relativePath('path', row.path);
    const pathProblem = relativePathProblem(rel);
    if (pathProblem) r.fail('path', `${pathProblem}: ${JSON.stringify(rel)}`);
    const root = r.relativePath('dataset_root', row.dataset_root);
    const rootProblem = relativePathProblem(root) ?? outsideRootProblem(rel, root);
    if (rootProblem) r.fail('path', `${rootProblem}: ${JSON.stringify(rel)}`);
    const shape = row.shape === null ? null : r.json('shape', row.shape);
    if (shape !== null && !(Array.isArray(shape) && shape.length >= 1 && shape.length <= 999
      && shape.every((n) => Number.isInteger(n) && n >= 1 && n <= 2 ** 40))) {
      r.fail('shape', 'expected a list of 1 to 999 positive axis lengths');
    }
    if (shape !== null && (shape as number[]).reduce((a, b) => a * b, 1) > 2 ** 40) r.fail('shape', 'more than 2^40 values: not a real image');
    const kinds = row.axis_kinds === null ? null : r.json('axis_kinds', row.axis_kinds);
    if (kinds !== null && !(Array.isArray(kinds) && kinds.every((k) => (AXIS_KINDS as unknown[]).includes(k))
      && (shape === null || kinds.length === (shape as number[]).length))) {
      r.fail('axis_kinds', 'expected one axis kind (spatial, spectral, stokes, other) per axis');
    }
    const bitpix = r.integerOrNull('bitpix', row.bitpix, -64, 64);
    if (bitpix !== null && !BITPIXES.includes(bitpix)) r.fail('bitpix', `${bitpix} is not a FITS BITPIX`);
    const hash = r.textOrNull('content_hash', row.content_hash, 64);
    if (hash !== null && !/^[0-9a-f]{64}$/.test(hash)) r.fail('content_hash', 'expected 64 hex digits (sha256)');
    const header = r.jsonObject('header', row.header);
    for (const [k, v] of Object.entries(header)) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) r.fail('header', `card ${k} has a ${typeof v} value`);
    }
    const issues = r.json('issues', row.issues);
    if (!Array.isArray(issues) || !issues.every((i) => i !== null && typeof i === 'object' && typeof i.code === 'string'
      && typeof i.message === 'string' && Number.isInteger(i.hdu) && typeof i.fixable === 'boolean'
      && (i.keyword === undefined || typeof i.keyword === 'string'))) {
      r.fail('issues', 'expected a list of {code, hdu, fixable, message}');
    }
    return {
      id: r.integer('id', row.id, 1),
      datasetId: r.integer('dataset_id', row.dataset_id, 1),
      path: rel,
      absolutePath: path.resolve(this.#folder, rel),
      size: r.integer('size', row.size),
      mtimeMs: r.finite('mtime_ms', row.mtime_ms),
      contentHash: hash,
      hdu: r.integerOrNull('hdu', row.hdu, 0, 1_000_000),
      shape: shape as number[] | null,
      axisKinds: kinds as AxisKind[] | null,
      bitpix,
      status: r.oneOf('status', row.status, STATUSES),
      error: r.textOrNull('error', row.error, 65536),
      metadata: {
        object: r.textOrNull('object', row.object, 1024),
        ra: r.finiteOrNull('ra', row.ra),
        dec: r.finiteOrNull('dec', row.dec),
        restfrq: r.finiteOrNull('restfrq', row.restfrq),
        bunit: r.textOrNull('bunit', row.bunit, 1024),
        bmaj: r.finiteOrNull('bmaj', row.bmaj),
        bmin: r.finiteOrNull('bmin', row.bmin),
        bpa: r.finiteOrNull('bpa', row.bpa),
        telescope: r.textOrNull('telescope', row.telescope, 1024),
        instrument: r.textOrNull('instrument', row.instrument, 1024),
      },
      header: header as Record<string, HeaderValue>,
      issues: issues as ItemIssue[],
      scannedAt: r.integer('scanned_at', row.scanned_at),
    };
  }
}
