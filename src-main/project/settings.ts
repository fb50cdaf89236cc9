// Project-wide settings as JSON values under string keys (the training config, display choices, …).
import type Database from 'better-sqlite3';
import { RowReader } from './untrusted.ts';

export class Settings {
  readonly #file: string;
  readonly #get: Database.Statement<[string], { value: unknown }>;
  readonly #set: Database.Statement<[string, string]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #all: Database.Statement<[], { key: unknown; value: unknown }>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#get = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.#set = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.#delete = db.prepare('DELETE FROM settings WHERE key = ?');
    this.#all = db.prepare('SELECT key, value FROM settings ORDER BY key');
  }

  get(key: string): unknown {
    const row = this.#get.get(key);
    return row === undefined ? undefined : new RowReader(this.#file, 'settings', key).json('value', row.value);
  }

  /** Stores any JSON-serialisable value; undefined removes the key. */
  set(key: string, value: unknown): void {
    if (value === undefined) {
      this.#delete.run(key);
      return;
    }
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`setting ${key}: value is not JSON-serialisable`);
    this.#set.run(key, json);
  }

  all(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const row of this.#all.all()) {
      const r = new RowReader(this.#file, 'settings', row.key);
      out[r.text('key', row.key)] = r.json('value', row.value);
    }
    return out;
  }
}
