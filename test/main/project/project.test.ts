import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, Project, ProjectError, SCHEMA_VERSION } from '../../../src-main/project/index.ts';
import type { Migration } from '../../../src-main/project/index.ts';
import { emptyMetadata } from '../../../src-main/dataset/index.ts';
import type { ItemRecord } from '../../../src-main/dataset/index.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amproj-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function record(p: Project, rel: string, extra: Partial<ItemRecord> = {}): ItemRecord {
  const datasetId = p.datasets.add(path.join(dir, 'data'));
  return {
    path: rel, datasetId, size: 2880, mtimeMs: 1700000000123.5, contentHash: 'ab'.repeat(32), hdu: 0,
    shape: [32, 16, 4], axisKinds: ['spatial', 'spatial', 'spectral'], bitpix: -32, status: 'ok', error: null,
    metadata: { ...emptyMetadata(), object: 'M 31', ra: 10.68, dec: 41.27, restfrq: 1.420405751e9, bunit: 'Jy/beam' },
    header: { OBJECT: 'M 31', NAXIS1: 32, SIMPLE: true },
    issues: [{ code: 'missing-keyword', hdu: 0, keyword: 'EXTEND', fixable: true, message: 'EXTEND is missing' }], ...extra,
  };
}

function expectProjectError(fn: () => unknown, code: string, file: string): ProjectError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ProjectError);
  const err = caught as ProjectError;
  expect(err.code).toBe(code);
  expect(err.file).toBe(file);
  expect(err.message).toContain(file);
  return err;
}

describe('Project file', () => {
  it('creates, closes and reopens with its settings', () => {
    const file = path.join(dir, 'a.amproj');
    const p = Project.create(file);
    expect(p.path).toBe(file);
    expect(p.folder).toBe(dir);
    expect(p.schemaVersion).toBe(SCHEMA_VERSION);
    expect(p.settings.get('training')).toBeUndefined();
    p.settings.set('training', { epochs: 10, lr: 0.001, augment: ['flip', 'rotate'] });
    p.settings.set('colormap', 'magma');
    p.close();
    p.close(); // harmless twice
    expect(p.isOpen).toBe(false);

    const q = Project.open(file);
    expect(q.settings.get('training')).toEqual({ epochs: 10, lr: 0.001, augment: ['flip', 'rotate'] });
    expect(q.settings.all()).toEqual({ colormap: 'magma', training: { epochs: 10, lr: 0.001, augment: ['flip', 'rotate'] } });
    q.settings.set('colormap', undefined);
    expect(q.settings.get('colormap')).toBeUndefined();
    expect(q.integrityCheck()).toEqual(['ok']);
    q.close();
  });

  it('refuses to create over an existing file and to open a missing one', () => {
    const file = path.join(dir, 'a.amproj');
    fs.writeFileSync(file, 'precious');
    expectProjectError(() => Project.create(file), 'exists', file);
    expect(fs.readFileSync(file, 'utf8')).toBe('precious');
    const missing = path.join(dir, 'none.amproj');
    expectProjectError(() => Project.open(missing), 'not-found', missing);
  });

  it('is a single complete file after close: a copy of the .amproj alone holds everything', () => {
    const file = path.join(dir, 'a.amproj');
    const p = Project.create(file);
    p.settings.set('k', [1, 2, 3]);
    const itemId = p.items.save(record(p, 'data/m31.fits'));
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    p.thumbnails.put(itemId, { width: 12, height: 7, png });
    const run = p.runs.create({ config: { dim: 4 }, backend: 'wasm', seed: 42 });
    p.checkpoints.save({ runId: run.id, epoch: 1, step: 10, weights: new Uint8Array([9, 8, 7]), rng: { s: [1, 2] } });
    p.losses.append(run.id, [{ epoch: 1, step: 10, loss: 0.5, imagesPerS: 100, dataWait: 0.1 }]);
    p.embeddings.putMany(run.id, [{ itemId, vector: new Float32Array([0.25, -1.5, 3, 1e-8]) }]);
    p.tags.add(itemId, 'spiral');
    // With the project still open, the data sits in the -wal file.
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    p.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);

    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'amproj-copy-'));
    try {
      const copy = path.join(elsewhere, 'copy.amproj');
      fs.copyFileSync(file, copy);
      const q = Project.open(copy);
      expect(q.settings.get('k')).toEqual([1, 2, 3]);
      const item = q.items.byPath('data/m31.fits')!;
      expect(item.metadata.object).toBe('M 31');
      expect(item.shape).toEqual([32, 16, 4]);
      expect(item.mtimeMs).toBe(1700000000123.5);
      expect(item.absolutePath).toBe(path.join(elsewhere, 'data/m31.fits'));
      expect(q.thumbnails.get(item.id)).toEqual({ width: 12, height: 7, png: expect.any(Uint8Array) });
      expect([...q.thumbnails.get(item.id)!.png]).toEqual([...png]);
      expect(q.runs.get(run.id)).toMatchObject({ backend: 'wasm', seed: 42, status: 'running', epochsDone: 1, stepsDone: 10 });
      expect([...q.checkpoints.latest(run.id)!.weights]).toEqual([9, 8, 7]);
      expect(q.losses.list(run.id)).toEqual([{ epoch: 1, step: 10, loss: 0.5, imagesPerS: 100, dataWait: 0.1 }]);
      expect([...q.embeddings.get(run.id, item.id)!]).toEqual([0.25, -1.5, 3, Math.fround(1e-8)]);
      expect(q.tags.forItem(item.id)).toEqual(['spiral']);
      q.close();
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a project written by a newer schema, naming the file', () => {
    const file = path.join(dir, 'a.amproj');
    Project.create(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    db.close();
    const err = expectProjectError(() => Project.open(file), 'newer-schema', file);
    expect(err.message).toContain(`schema ${SCHEMA_VERSION + 3}`);
  });

  it('gives a clear error for files that are not projects', () => {
    const text = path.join(dir, 'notes.amproj');
    fs.writeFileSync(text, 'SIMPLE  =                    T / not a database at all\n'.repeat(100));
    expectProjectError(() => Project.open(text), 'not-sqlite', text);

    const empty = path.join(dir, 'empty.amproj');
    fs.writeFileSync(empty, '');
    expectProjectError(() => Project.open(empty), 'not-sqlite', empty);

    const foreign = path.join(dir, 'foreign.amproj');
    const db = new Database(foreign);
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    expectProjectError(() => Project.open(foreign), 'not-project', foreign);

    expectProjectError(() => Project.open(dir), 'not-sqlite', dir);
  });

  it('gives a clear error for a damaged file', () => {
    const file = path.join(dir, 'a.amproj');
    const p = Project.create(file);
    p.transaction(() => {
      for (let i = 0; i < 400; i++) p.items.save(record(p, `data/f${String(i).padStart(4, '0')}.fits`));
    });
    p.close();
    const pageSize = 4096;
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(20 * pageSize);
    // Overwrite pages in the middle of the file (b-tree pages of the items table) with noise.
    const fd = fs.openSync(file, 'r+');
    const noise = Buffer.alloc(pageSize * 4);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    fs.writeSync(fd, noise, 0, noise.length, pageSize * 8);
    fs.closeSync(fd);
    const err = expectProjectError(() => Project.open(file), 'damaged', file);
    expect(err.message).toMatch(/damaged/);
  });

  it('applies forward migrations in order, each atomically', () => {
    const file = path.join(dir, 'a.amproj');
    Project.create(file).close();
    const v2: Migration = {
      version: SCHEMA_VERSION + 1, description: 'item notes',
      up: (db) => db.exec('ALTER TABLE items ADD COLUMN notes TEXT'),
    };
    const broken: Migration = {
      version: SCHEMA_VERSION + 2, description: 'half-done change',
      up: (db) => {
        db.exec('CREATE TABLE half (x)');
        throw new Error('disk says no');
      },
    };
    const db = new Database(file);
    try {
      migrate(db, file, [...MIGRATIONS, v2]);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
      expect((db.prepare('SELECT notes FROM items').columns().map((c) => c.name))).toEqual(['notes']);
      migrate(db, file, [...MIGRATIONS, v2]); // already there: nothing to do
      let caught: unknown;
      try {
        migrate(db, file, [...MIGRATIONS, v2, broken]);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ProjectError);
      expect((caught as ProjectError).code).toBe('migration');
      expect((caught as ProjectError).message).toContain('disk says no');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    // The current version refuses the now-newer file.
    expectProjectError(() => Project.open(file), 'newer-schema', file);
  });

  it('upgrades a blank SQLite file from schema 0', () => {
    const file = path.join(dir, 'blank.amproj');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x); DROP TABLE t;'); // an SQLite file with no tables and no application id
    db.close();
    expect(fs.statSync(file).size).toBeGreaterThan(0);
    const p = Project.open(file);
    expect(p.schemaVersion).toBe(SCHEMA_VERSION);
    p.close();
  });
});

describe('untrusted project contents', () => {
  function tamper(file: string, sql: string, ...params: unknown[]): void {
    const db = new Database(file);
    db.prepare(sql).run(...params);
    db.close();
  }

  it('rejects item rows with absolute or NUL paths, bad shapes or hashes, with the table and row named', () => {
    const file = path.join(dir, 'a.amproj');
    const p = Project.create(file);
    const id = p.items.save(record(p, 'data/a.fits'));
    p.close();
    const cases: [string, unknown, RegExp][] = [
      ['path', '/etc/passwd', /not relative/],
      ['path', 'C:\\Windows\\x.fits', /not relative/],
      ['path', 'data/a\0.fits', /NUL/],
      ['shape', '[32, -1]', /axis lengths/],
      ['shape', '{"a":1}', /axis lengths/],
      ['shape', 'not json', /JSON/],
      ['axis_kinds', '["spatial"]', /axis kind/],
      ['content_hash', 'xyz', /sha256/],
      ['size', -5, /integer/],
      ['header', '{"A":{"nested":1}}', /card A/],
      ['issues', '[{"code":1}]', /list of/],
    ];
    for (const [column, value, problem] of cases) {
      const good = new Database(file).prepare(`SELECT ${column} AS v FROM items WHERE id = ?`).get(id) as { v: unknown };
      tamper(file, `UPDATE items SET ${column} = ? WHERE id = ?`, value, id);
      const q = Project.open(file);
      try {
        const err = expectProjectError(() => q.items.list(), 'invalid-data', file);
        expect(err.message).toMatch(problem);
        expect(err.message).toContain(`table items, row ${id}, column ${column}`);
      } finally {
        q.close();
      }
      tamper(file, `UPDATE items SET ${column} = ? WHERE id = ?`, good.v, id);
    }
    const q = Project.open(file);
    expect(q.items.list()).toHaveLength(1);
    q.close();
  });

  it('stores text from a file with control characters escaped, so the row always reads back', () => {
    const file = path.join(dir, 'text.amproj');
    const p = Project.create(file);
    const id = p.items.save(record(p, 'data/a.fits', {
      status: 'failed', error: `NAXIS1 = 200 \0 is not\r${'x'.repeat(10_000)}`,
      metadata: { ...emptyMetadata(), object: 'M\x0031\x1b[2J', telescope: 'VLA\x7f' },
      header: { OBJECT: 'M\x0031', 'BAD\x00KEY': 1 },
      issues: [{ code: 'bad-card', hdu: 0, keyword: 'NAXIS1\x00', fixable: false, message: 'value 200 \x00' }],
    }));
    p.close();
    const q = Project.open(file);
    try {
      const item = q.items.get(id)!;
      expect(item.error).toMatch(/^NAXIS1 = 200 \\x00 is not\\x0dxxx/);
      expect(item.error!.length).toBeLessThanOrEqual(4096);
      expect(item.error).toMatch(/more characters\)$/);
      expect(item.metadata.object).toBe('M\\x0031\\x1b[2J');
      expect(item.metadata.telescope).toBe('VLA\\x7f');
      expect(item.header).toEqual({ OBJECT: 'M\\x0031', 'BAD\\x00KEY': 1 });
      expect(item.issues[0]).toMatchObject({ keyword: 'NAXIS1\\x00', message: 'value 200 \\x00' });
    } finally {
      q.close();
    }
  });

  it('a listing given a place to report them skips damaged rows and names them', () => {
    const file = path.join(dir, 'skip.amproj');
    const p = Project.create(file);
    const bad = p.items.save(record(p, 'data/a.fits'));
    p.items.save(record(p, 'data/b.fits'));
    p.close();
    tamper(file, 'UPDATE items SET object = ? WHERE id = ?', 'M31\0', bad);
    const q = Project.open(file);
    try {
      expectProjectError(() => q.items.list(), 'invalid-data', file); // strict by default
      const damaged: unknown[] = [];
      expect(q.items.list({}, (d) => damaged.push(d)).map((i) => i.path)).toEqual(['data/b.fits']);
      expect(damaged).toEqual([{ id: bad, path: 'data/a.fits', problem: `${file}: table items, row ${bad}, column object: text contains a NUL character` }]);
    } finally {
      q.close();
    }
  });

  it('rejects embedding BLOBs whose length does not match the dimension, and non-PNG thumbnails', () => {
    const file = path.join(dir, 'a.amproj');
    const p = Project.create(file);
    const id = p.items.save(record(p, 'data/a.fits'));
    const run = p.runs.create({ config: {}, backend: 'cpu', seed: 1 });
    p.embeddings.putMany(run.id, [{ itemId: id, vector: new Float32Array(8).fill(1) }]);
    p.thumbnails.put(id, { width: 4, height: 4, png: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) });
    p.close();
    tamper(file, 'UPDATE embeddings SET dim = 9');
    const q = Project.open(file);
    try {
      expect(expectProjectError(() => q.embeddings.get(run.id, id), 'invalid-data', file).message).toMatch(/32 bytes, expected 36/);
      expectProjectError(() => q.embeddings.all(run.id), 'invalid-data', file);
      expect(expectProjectError(() => q.thumbnails.get(id), 'invalid-data', file).message).toMatch(/not a PNG/);
    } finally {
      q.close();
    }
  });

  it('rejects stored embeddings holding NaN or infinite values, naming the row and the value', () => {
    const file = path.join(dir, 'nan.amproj');
    const p = Project.create(file);
    const ids = ['data/a.fits', 'data/b.fits'].map((f) => p.items.save(record(p, f)));
    const run = p.runs.create({ config: {}, backend: 'cpu', seed: 1 });
    const bad = new Float32Array(4).fill(0.5);
    bad[2] = NaN;
    p.embeddings.putMany(run.id, [{ itemId: ids[0]!, vector: new Float32Array(4).fill(1) }, { itemId: ids[1]!, vector: bad }]);
    p.close();
    const q = Project.open(file);
    try {
      expect(q.embeddings.get(run.id, ids[0]!)).toEqual(new Float32Array(4).fill(1));
      expect(expectProjectError(() => q.embeddings.get(run.id, ids[1]!), 'invalid-data', file).message).toMatch(new RegExp(`row ${run.id}/${ids[1]}, column vector: value 2 is NaN`));
      expectProjectError(() => q.embeddings.all(run.id), 'invalid-data', file);
    } finally {
      q.close();
    }
  });
});

describe('training stores', () => {
  it('saves checkpoints atomically with the run progress; a failed save leaves the previous one', () => {
    const p = Project.create(path.join(dir, 'a.amproj'));
    try {
      const run = p.runs.create({ config: { epochs: 3 }, backend: 'wasm', seed: 7 });
      p.checkpoints.save({ runId: run.id, epoch: 1, step: 50, weights: new Uint8Array([1]), optimiser: new Uint8Array([2]), rng: [1, 2, 3], meta: { loss: 0.9 } });
      p.checkpoints.save({ runId: run.id, epoch: 2, step: 100, weights: new Uint8Array([3]), rng: [4], meta: { loss: 0.5 } });
      expect(p.checkpoints.list(run.id).map((c) => c.step)).toEqual([50, 100]);
      const latest = p.checkpoints.latest(run.id)!;
      expect(latest).toMatchObject({ epoch: 2, step: 100, rng: [4], meta: { loss: 0.5 }, optimiser: null });
      expect(p.runs.get(run.id)).toMatchObject({ epochsDone: 2, stepsDone: 100 });

      // A checkpoint whose run does not exist fails inside the transaction: nothing changes.
      expect(() => p.checkpoints.save({ runId: run.id + 99, epoch: 3, step: 150, weights: new Uint8Array([5]), rng: null })).toThrow();
      expect(p.checkpoints.latest(run.id)!.step).toBe(100);
      expect(p.runs.get(run.id)).toMatchObject({ epochsDone: 2, stepsDone: 100 });

      p.checkpoints.prune(run.id, 1);
      expect(p.checkpoints.list(run.id).map((c) => c.step)).toEqual([100]);
      p.runs.setStatus(run.id, 'failed', 'NaN loss');
      expect(p.runs.get(run.id)).toMatchObject({ status: 'failed', error: 'NaN loss' });
    } finally {
      p.close();
    }
  });

  it('keeps NaN losses, float32 embeddings in item order, and tag counts', () => {
    const p = Project.create(path.join(dir, 'a.amproj'));
    try {
      const a = p.items.save(record(p, 'data/a.fits'));
      const b = p.items.save(record(p, 'data/b.fits'));
      const run = p.runs.create({ config: {}, backend: 'cpu', seed: 1 });
      p.losses.append(run.id, [
        { epoch: 0, step: 1, loss: 2.5, imagesPerS: null, dataWait: null },
        { epoch: 0, step: 2, loss: Number.NaN, imagesPerS: 10, dataWait: 0 },
      ]);
      const losses = p.losses.list(run.id);
      expect(losses[0].loss).toBe(2.5);
      expect(Number.isNaN(losses[1].loss)).toBe(true);
      p.embeddings.putMany(run.id, [
        { itemId: b, vector: new Float32Array([3, 4]) },
        { itemId: a, vector: new Float32Array([1, 2]) },
      ]);
      const set = p.embeddings.all(run.id);
      expect(set.itemIds).toEqual([a, b]);
      expect(set.dim).toBe(2);
      expect([...set.vectors]).toEqual([1, 2, 3, 4]);
      expect(() => p.embeddings.putMany(run.id, [{ itemId: a, vector: new Float32Array(0) }])).toThrow(/dimension/);
      p.tags.add(a, ' merger ');
      p.tags.add(b, 'merger');
      p.tags.add(b, 'artefact');
      expect(p.tags.counts()).toEqual([{ tag: 'artefact', count: 1 }, { tag: 'merger', count: 2 }]);
      expect(p.items.list({ tag: 'merger' }).map((i) => i.id)).toEqual([a, b]);
      p.runs.delete(run.id);
      expect(p.embeddings.count(run.id)).toBe(0);
      expect(p.losses.list(run.id)).toEqual([]);
    } finally {
      p.close();
    }
  });

  it('filters items by status, folder and search text', () => {
    const p = Project.create(path.join(dir, 'a.amproj'));
    try {
      p.items.save(record(p, 'data/x/a.fits'));
      p.items.save(record(p, 'data/x0.fits', { metadata: { ...emptyMetadata(), object: 'NGC 253' } }));
      p.items.save(record(p, 'data/xy/b.fits', { status: 'failed', error: 'bad' }));
      expect(p.items.list({ under: 'data/x' }).map((i) => i.path)).toEqual(['data/x/a.fits']);
      expect(p.items.list({ status: 'failed' }).map((i) => i.path)).toEqual(['data/xy/b.fits']);
      expect(p.items.list({ search: 'ngc' }).map((i) => i.path)).toEqual(['data/x0.fits']);
      expect(p.items.list({ limit: 1, offset: 1 }).map((i) => i.path)).toEqual(['data/x0.fits']);
      expect(p.items.countByStatus()).toEqual({ ok: 2, failed: 1, missing: 0 });
      expect([...p.items.knownUnder('data/x').keys()]).toEqual(['data/x/a.fits']);
    } finally {
      p.close();
    }
  });
});
