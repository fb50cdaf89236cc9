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
    const width = r.integer('width', row.width, 1, 4096);
    const height = r.integer('height', row.height, 1, 4096);
    // The decoder sizes its buffer from the PNG's own header (IHDR), not from these columns: check it agrees.
    // (Shorter than a PNG header, there is nothing a decoder could size from.)
    if (png.byteLength >= 24) {
      const ihdr = new DataView(png.buffer, png.byteOffset + 16, 8);
      if (ihdr.getUint32(0) !== width || ihdr.getUint32(4) !== height) {
        r.fail('png', `the PNG says ${ihdr.getUint32(0)}x${ihdr.getUint32(4)} pixels, the row ${width}x${height}`);
      }
    }
    return { width, height, png };
  }

  delete(itemId: number): void {
    this.#delete.run(itemId);
  }
}
