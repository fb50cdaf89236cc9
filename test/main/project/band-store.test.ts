// Multi-band objects in the project file: a schema-5 project (before them) opens upgraded with every
// item an object of its own; members are stored, read back as untrusted input, and go with their items.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyMetadata } from '../../../src-main/dataset/index.ts';
import { migrate, MIGRATIONS, Project, ProjectError } from '../../../src-main/project/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astromorph-bands-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function addItem(p: Project, rel: string): number {
  const ds = p.datasets.add(dir);
  return p.items.save({
    path: rel, datasetId: ds, size: 1, mtimeMs: 0, contentHash: null, hdu: 0, shape: [4, 4], axisKinds: ['spatial', 'spatial'], bitpix: -32,
    status: 'ok', error: null, metadata: emptyMetadata(), header: {}, issues: [],
  });
}

describe('item_bands', () => {
  it('upgrades a schema-5 project: its items stay, with no multi-band objects', () => {
    const file = path.join(dir, 'old.amproj');
    const db = new Database(file);
    migrate(db, file, MIGRATIONS.slice(0, 5));
    db.prepare('INSERT INTO datasets (root, root_abs, added_at) VALUES (?, ?, 0)').run('.', dir);
    db.prepare("INSERT INTO items (dataset_id, path, size, mtime_ms, status, scanned_at) VALUES (1, 'a.fits', 1, 0, 'ok', 0)").run();
    db.close();
    const p = Project.open(file);
    try {
      expect(p.schemaVersion).toBe(6);
      expect(p.backupPath).not.toBeNull();
      expect(p.items.list().map((i) => i.path)).toEqual(['a.fits']);
      expect(p.bands.size).toBe(0);
      expect(p.bands.list()).toEqual([]);
    } finally {
      p.close();
    }
  });

  it('stores members and replaces them whole, or not at all', () => {
    const p = Project.create(path.join(dir, 'new.amproj'));
    try {
      const a = addItem(p, 'c_8um.fits'), b = addItem(p, 'c_250um.fits');
      p.bands.replace([{ object: 'c', band: '8um', itemId: a, hdu: 0 }, { object: 'c', band: '250um', itemId: b, hdu: 0 }]);
      expect(p.bands.list()).toEqual([{ object: 'c', band: '250um', itemId: b, hdu: 0 }, { object: 'c', band: '8um', itemId: a, hdu: 0 }]);
      // A failing replacement (two members for one band) keeps the old grouping.
      expect(() => p.bands.replace([{ object: 'd', band: '8um', itemId: a, hdu: 0 }, { object: 'd', band: '8um', itemId: b, hdu: 0 }])).toThrow();
      expect(p.bands.size).toBe(2);
      p.bands.replace([]);
      expect(p.bands.size).toBe(0);
    } finally {
      p.close();
    }
  });

  it('a damaged row from someone else\'s file is an error naming the table and column', () => {
    const file = path.join(dir, 'hostile.amproj');
    const p = Project.create(file);
    const a = addItem(p, 'x.fits');
    p.close();
    const db = new Database(file);
    db.prepare('INSERT INTO item_bands (object, band, item_id, hdu) VALUES (?, ?, ?, ?)').run('o', '8um', a, -3);
    db.close();
    const q = Project.open(file);
    try {
      let caught: unknown;
      try { q.bands.list(); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(ProjectError);
      expect((caught as Error).message).toMatch(/item_bands.*hdu/);
    } finally {
      q.close();
    }
  });
});
