// A project file from someone else is untrusted input: crafted rows must become a ProjectError that
// names the file, table and column, before any path is used or any buffer is sized from them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PNG } from 'pngjs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyMetadata } from '../../../src-main/dataset/index.ts';
import { Project, ProjectError, relocate } from '../../../src-main/project/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-untrusted-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let file = '';
let itemId = 0;
let runId = 0;

beforeEach(() => {
  file = path.join(fs.mkdtempSync(path.join(dir, 'p-')), 'shared.amproj');
  const p = Project.create(file);
  const datasetId = p.datasets.add(path.join(path.dirname(file), 'data'));
  itemId = p.items.save({
    path: 'data/a.fits', datasetId, size: 2880, mtimeMs: 1, contentHash: 'cd'.repeat(32), hdu: 0, shape: [16, 16],
    axisKinds: ['spatial', 'spatial'], bitpix: -32, status: 'ok', error: null, metadata: emptyMetadata(), header: {}, issues: [],
  });
  const png = new PNG({ width: 4, height: 3 });
  p.thumbnails.put(itemId, { width: 4, height: 3, png: PNG.sync.write(png) });
  runId = p.runs.create({ config: {}, backend: 'cpu', seed: 1 }).id;
  p.embeddings.putMany(runId, [{ itemId, vector: new Float32Array([1, 2, 3]) }]);
  p.close();
});

/** Edits the file behind the app's back, as a crafted file would arrive. */
function craft(sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  db.prepare(sql).run(...params);
  db.close();
}

function expectInvalid(fn: (p: Project) => unknown, column: RegExp): void {
  const p = Project.open(file);
  try {
    let caught: unknown;
    try {
      fn(p);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProjectError);
    expect((caught as ProjectError).code).toBe('invalid-data');
    expect((caught as ProjectError).message).toContain(file);
    expect((caught as ProjectError).message).toMatch(column);
  } finally {
    p.close();
  }
}

describe('crafted project files', () => {
  it('refuses absolute item paths', () => {
    craft('UPDATE items SET path = ?', '/etc/passwd');
    expectInvalid((p) => p.items.list(), /column path: path "\/etc\/passwd" is not relative/);
    craft('UPDATE items SET path = ?', 'C:/Windows/win.ini');
    expectInvalid((p) => p.items.get(itemId), /is not relative/);
  });

  it('refuses ../ escapes out of the data folder, hidden or plain', () => {
    for (const bad of ['../../../etc/passwd', 'data/../../etc/passwd', 'data/./a.fits', 'data//a.fits', 'other/a.fits']) {
      craft('UPDATE items SET path = ?', bad);
      expectInvalid((p) => p.items.list(), /column path: path (is not in normal form|is not inside its data folder|leaves)/);
    }
  });

  it('refuses absolute or non-normal data-folder roots', () => {
    craft('UPDATE datasets SET root = ?', '/');
    expectInvalid((p) => p.datasets.list(), /column root/);
    craft('UPDATE datasets SET root = ?', 'data/../..');
    expectInvalid((p) => p.datasets.list(), /column root: path is not in normal form/);
  });

  it('refuses NUL bytes in paths and text', () => {
    craft('UPDATE items SET path = ?', 'data/a.fits\0/../../x');
    expectInvalid((p) => p.items.list(), /NUL/);
    craft("UPDATE items SET path = 'data/a.fits', object = ?", 'M31\0');
    expectInvalid((p) => p.items.list(), /column object: text contains a NUL/);
  });

  it('refuses huge or impossible dimensions', () => {
    craft('UPDATE items SET shape = ?', JSON.stringify([2 ** 30, 2 ** 30, 2 ** 30]));
    expectInvalid((p) => p.items.list(), /column shape: more than 2\^40 values/);
    craft('UPDATE items SET shape = ?', JSON.stringify([-1, 16]));
    expectInvalid((p) => p.items.list(), /column shape/);
    craft('UPDATE thumbnails SET width = 100000');
    expectInvalid((p) => p.thumbnails.get(itemId), /column width/);
    // The PNG's own header claims a huge image while the row says 4x3: the decoder would trust the PNG.
    const png = Buffer.from(PNG.sync.write(new PNG({ width: 4, height: 3 })));
    png.writeUInt32BE(60000, 16);
    craft('UPDATE thumbnails SET png = ?, width = 4', png);
    expectInvalid((p) => p.thumbnails.get(itemId), /column png: the PNG says 60000x3 pixels/);
    craft('UPDATE embeddings SET dim = 1000000');
    expectInvalid((p) => p.embeddings.all(runId), /column dim/);
  });

  it('refuses BLOBs of the wrong length or kind', () => {
    craft('UPDATE embeddings SET vector = ?', Buffer.alloc(10));
    expectInvalid((p) => p.embeddings.all(runId), /column vector: 10 bytes, expected 12/);
    craft('UPDATE embeddings SET vector = ?', 'not a blob');
    expectInvalid((p) => p.embeddings.get(runId, itemId), /column vector: expected a BLOB/);
    craft('UPDATE thumbnails SET png = ?', Buffer.from('GIF89a....'));
    expectInvalid((p) => p.thumbnails.get(itemId), /column png: not a PNG/);
  });

  it('relocation stops at a crafted path before it reads or writes anything', () => {
    craft('UPDATE items SET path = ?', '../../../../etc/passwd');
    const before = fs.readFileSync(file);
    expectInvalid((p) => relocate(p, dir), /column path/);
    // Only SQLite's own bookkeeping could differ; the rows are untouched.
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT path FROM items').pluck().get()).toBe('../../../../etc/passwd');
    db.close();
    expect(fs.readFileSync(file).length).toBe(before.length);
  });
});

describe('crafted checkpoint weights', () => {
  it('are refused with a CheckpointError before any tensor is sized', async () => {
    const { CheckpointError, decodeCheckpoint, encodeCheckpoint } = await import('../../../src-main/model/index.ts');
    const good = encodeCheckpoint({ format: 'astromorph-byol' } as never, new Map([['online/encoder/w', { shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) }]]));
    const manifestLength = new DataView(good.buffer).getUint32(8, true);
    const craftedWith = (entry: unknown) => {
      const json = JSON.stringify({ format: 'astromorph-byol', tensors: [entry] });
      const out = new Uint8Array(12 + json.length + 16);
      out.set(good.subarray(0, 8));
      new DataView(out.buffer).setUint32(8, json.length, true);
      out.set(new TextEncoder().encode(json), 12);
      return out;
    };
    expect(manifestLength).toBeGreaterThan(0);
    for (const entry of [{ name: 'w', shape: [-4], offset: 0 }, { name: 'w', shape: [4], offset: -2 }, { name: 'w', shape: [2 ** 20, 2 ** 20], offset: 0 },
      { name: 7, shape: [1], offset: 0 }, null]) {
      expect(() => decodeCheckpoint(craftedWith(entry), 'crafted')).toThrow(CheckpointError);
    }
    expect(() => decodeCheckpoint(good.subarray(0, good.length - 4), 'short')).toThrow(/truncated data/);
  });
});
