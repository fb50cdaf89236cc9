// A small PNG preview per item, made by the scan.
import type Database from 'better-sqlite3';
import type { Thumbnail } from '../dataset/index.ts';
import { RowReader } from './untrusted.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export class ThumbnailStore {
  readonly #file: string;
  readonly #put: Database.Statement<[number, number, number, Uint8Array]>;
  readonly #get: Database.Statement<[number], { item_id: unknown; width: unknown; height: unknown; png: unknown }>;
  readonly #delete: Database.Statement<[number]>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#put = db.prepare(`INSERT INTO thumbnails (item_id, width, height, png) VALUES (?, ?, ?, ?)
      ON CONFLICT(item_id) DO UPDATE SET width = excluded.width, height = excluded.height, png = excluded.png`);
    this.#get = db.prepare('SELECT item_id, width, height, png FROM thumbnails WHERE item_id = ?');
    this.#delete = db.prepare('DELETE FROM thumbnails WHERE item_id = ?');
  }

  put(itemId: number, t: Thumbnail): void {
    this.#put.run(itemId, t.width, t.height, t.png);
  }

  get(itemId: number): Thumbnail | null {
    const row = this.#get.get(itemId);
    if (row === undefined) return null;
    const r = new RowReader(this.#file, 'thumbnails', row.item_id);
    const png = r.blob('png', row.png, 16 << 20);
    if (png.byteLength < 8 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) r.fail('png', 'not a PNG image');
    return { width: r.integer('width', row.width, 1, 4096), height: r.integer('height', row.height, 1, 4096), png };
  }

  delete(itemId: number): void {
    this.#delete.run(itemId);
  }
}
