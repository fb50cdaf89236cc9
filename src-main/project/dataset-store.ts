// The data folders added to the project. The relative root is authoritative (the project folder
// can move with its data); the absolute one is kept as given, for messages and for relinking.
import path from 'node:path';
import type Database from 'better-sqlite3';
import { relativeTo } from '../dataset/relative-path.ts';
import { ProjectError } from './errors.ts';
import { RowReader } from './untrusted.ts';
import { relativePathProblem } from './stored-path.ts';

export interface DataFolder {
  id: number;
  /** Relative to the project file's folder, '/'-separated ('.' for the project folder itself). */
  root: string;
  /** Absolute path now, resolved from root. */
  absoluteRoot: string;
  /** The absolute path as it was given when the folder was added. */
  addedAs: string;
  addedAt: number;
  scannedAt: number | null;
}

interface DatasetRow { id: unknown; root: unknown; root_abs: unknown; added_at: unknown; scanned_at: unknown }

export class DatasetStore {
  readonly #file: string;
  readonly #folder: string;
  readonly #add: Database.Statement<[string, string, number], { id: number }>;
  readonly #list: Database.Statement<[], DatasetRow>;
  readonly #scanned: Database.Statement<[number, number]>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#folder = path.dirname(file);
    this.#add = db.prepare(`INSERT INTO datasets (root, root_abs, added_at) VALUES (?, ?, ?)
      ON CONFLICT(root) DO UPDATE SET root_abs = excluded.root_abs RETURNING id`);
    this.#list = db.prepare('SELECT id, root, root_abs, added_at, scanned_at FROM datasets ORDER BY id');
    this.#scanned = db.prepare('UPDATE datasets SET scanned_at = ? WHERE id = ?');
  }

  /** Adds a data folder (or finds it again); returns its id. */
  add(absoluteRoot: string): number {
    const abs = path.resolve(absoluteRoot);
    const root = relativeTo(this.#folder, abs);
    if (path.isAbsolute(root)) {
      throw new ProjectError('io', this.#file, `data folder ${abs} is on another drive than the project file; item paths must be relative to the project`);
    }
    return this.#add.get(root, abs, Date.now())!.id;
  }

  list(): DataFolder[] {
    return this.#list.all().map((row) => {
      const r = new RowReader(this.#file, 'datasets', row.id);
      const root = r.relativePath('root', row.root);
      const problem = relativePathProblem(root);
      if (problem) r.fail('root', `${problem}: ${JSON.stringify(root)}`);
      return {
        id: r.integer('id', row.id, 1),
        root,
        absoluteRoot: path.resolve(this.#folder, root),
        addedAs: r.text('root_abs', row.root_abs, 4096),
        addedAt: r.integer('added_at', row.added_at),
        scannedAt: r.integerOrNull('scanned_at', row.scanned_at),
      };
    });
  }

  markScanned(id: number, at = Date.now()): void {
    this.#scanned.run(at, id);
  }
}
