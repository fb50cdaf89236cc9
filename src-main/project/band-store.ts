// Multi-band objects: which item (and which of its HDUs) is which band of which object. The grouping
// rule that made them is kept in the settings (key 'grouping'), for display.
import type Database from 'better-sqlite3';
import { visibleText } from '../dataset/visible-text.ts';
import { RowReader } from './untrusted.ts';

const MAX_NAME = 200;

export interface BandMember {
  object: string;
  band: string;
  itemId: number;
  hdu: number;
}

interface BandRow { object: unknown; band: unknown; item_id: unknown; hdu: unknown }

export class BandStore {
  readonly #file: string;
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[string, string, number, number]>;
  readonly #list: Database.Statement<[], BandRow>;
  readonly #clear: Database.Statement<[]>;
  readonly #count: Database.Statement<[], { n: number }>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#db = db;
    this.#insert = db.prepare('INSERT INTO item_bands (object, band, item_id, hdu) VALUES (?, ?, ?, ?)');
    this.#list = db.prepare('SELECT object, band, item_id, hdu FROM item_bands ORDER BY object, band');
    this.#clear = db.prepare('DELETE FROM item_bands');
    this.#count = db.prepare('SELECT count(*) AS n FROM item_bands');
  }

  /** Replaces every grouping with these members (one transaction: a failure keeps the old grouping). */
  replace(members: readonly BandMember[]): void {
    this.#db.transaction(() => {
      this.#clear.run();
      for (const m of members) {
        this.#insert.run(visibleText(m.object, MAX_NAME), visibleText(m.band, MAX_NAME), m.itemId, m.hdu);
      }
    })();
  }

  /** Every member, by object then band name; rows are checked as untrusted input (a project may come from elsewhere). */
  list(): BandMember[] {
    return this.#list.all().map((row) => {
      const r = new RowReader(this.#file, 'item_bands', `${String(row.object)}/${String(row.band)}`);
      return {
        object: r.text('object', row.object, MAX_NAME),
        band: r.text('band', row.band, MAX_NAME),
        itemId: r.integer('item_id', row.item_id, 1),
        hdu: r.integer('hdu', row.hdu, 0, 1_000_000),
      };
    });
  }

  get size(): number {
    return this.#count.get()!.n;
  }
}
