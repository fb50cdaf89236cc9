// Free-text labels an astronomer puts on items ('merger', 'artefact', …).
import type Database from 'better-sqlite3';
import { RowReader } from './untrusted.ts';

const MAX_TAG = 200;

export class TagStore {
  readonly #file: string;
  readonly #add: Database.Statement<[number, string]>;
  readonly #remove: Database.Statement<[number, string]>;
  readonly #forItem: Database.Statement<[number], { tag: unknown }>;
  readonly #items: Database.Statement<[string], { item_id: unknown }>;
  readonly #counts: Database.Statement<[], { tag: unknown; n: number }>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#add = db.prepare('INSERT OR IGNORE INTO tags (item_id, tag) VALUES (?, ?)');
    this.#remove = db.prepare('DELETE FROM tags WHERE item_id = ? AND tag = ?');
    this.#forItem = db.prepare('SELECT tag FROM tags WHERE item_id = ? ORDER BY tag');
    this.#items = db.prepare('SELECT item_id FROM tags WHERE tag = ? ORDER BY item_id');
    this.#counts = db.prepare('SELECT tag, count(*) AS n FROM tags GROUP BY tag ORDER BY tag');
  }

  add(itemId: number, tag: string): void {
    const t = tag.trim();
    if (t === '' || t.length > MAX_TAG || t.includes('\0')) throw new RangeError(`tag must be 1 to ${MAX_TAG} characters without NUL`);
    this.#add.run(itemId, t);
  }

  remove(itemId: number, tag: string): void {
    this.#remove.run(itemId, tag.trim());
  }

  forItem(itemId: number): string[] {
    return this.#forItem.all(itemId).map((row) => new RowReader(this.#file, 'tags', itemId).text('tag', row.tag, MAX_TAG));
  }

  items(tag: string): number[] {
    return this.#items.all(tag).map((row) => new RowReader(this.#file, 'tags', tag).integer('item_id', row.item_id, 1));
  }

  /** Every tag with the number of items carrying it. */
  counts(): { tag: string; count: number }[] {
    return this.#counts.all().map((row) => ({ tag: new RowReader(this.#file, 'tags', '*').text('tag', row.tag, MAX_TAG), count: row.n }));
  }
}
