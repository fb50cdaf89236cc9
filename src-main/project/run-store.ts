// Training runs (EmbeddingRun): the config they were started with and how far they got.
import type Database from 'better-sqlite3';
import { visibleText } from '../dataset/visible-text.ts';
import { RowReader } from './untrusted.ts';

export type RunStatus = 'running' | 'paused' | 'cancelled' | 'failed' | 'done';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'paused', 'cancelled', 'failed', 'done'];

export interface EmbeddingRun {
  id: number;
  createdAt: number;
  kind: 'training';
  config: Record<string, unknown>;
  backend: string;
  seed: number;
  status: RunStatus;
  epochsDone: number;
  stepsDone: number;
  error: string | null;
  /** Items the run left out because they could not be used, with the reason. */
  skipped: SkippedItem[];
}

/** An item left out of a run: its path relative to the project file's folder, and why. */
export interface SkippedItem {
  path: string;
  reason: string;
}

type RunRow = Record<string, unknown>;

export class RunStore {
  readonly #file: string;
  readonly #create: Database.Statement<[number, string, string, number], { id: number }>;
  readonly #get: Database.Statement<[number], RunRow>;
  readonly #list: Database.Statement<[], RunRow>;
  readonly #status: Database.Statement<[string, string | null, number]>;
  readonly #progress: Database.Statement<[number, number, number]>;
  readonly #delete: Database.Statement<[number]>;
  readonly #skipped: Database.Statement<[string, number]>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    this.#create = db.prepare(`INSERT INTO runs (created_at, kind, config, backend, seed, status)
      VALUES (?, 'training', ?, ?, ?, 'running') RETURNING id`);
    this.#get = db.prepare('SELECT * FROM runs WHERE id = ?');
    this.#list = db.prepare('SELECT * FROM runs ORDER BY id');
    this.#status = db.prepare('UPDATE runs SET status = ?, error = ? WHERE id = ?');
    this.#progress = db.prepare('UPDATE runs SET epochs_done = ?, steps_done = ? WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM runs WHERE id = ?');
    this.#skipped = db.prepare('UPDATE runs SET skipped = ? WHERE id = ?');
  }

  create(run: { config: Record<string, unknown>; backend: string; seed: number }): EmbeddingRun {
    const id = this.#create.get(Date.now(), JSON.stringify(run.config), run.backend, run.seed)!.id;
    return this.get(id)!;
  }

  get(id: number): EmbeddingRun | undefined {
    const row = this.#get.get(id);
    return row && this.#toRun(row);
  }

  list(): EmbeddingRun[] {
    return this.#list.all().map((row) => this.#toRun(row));
  }

  setStatus(id: number, status: RunStatus, error: string | null = null): void {
    // An error may quote a file's bytes: stored escaped, or the run's row would no longer read back.
    this.#status.run(status, error === null ? null : visibleText(error, 65536), id);
  }

  setProgress(id: number, epochsDone: number, stepsDone: number): void {
    this.#progress.run(epochsDone, stepsDone, id);
  }

  /** Records the items the run leaves out (replacing an earlier list: a resumed run checks again). */
  setSkipped(id: number, skipped: readonly SkippedItem[]): void {
    this.#skipped.run(JSON.stringify(skipped.map((s) => ({ path: visibleText(s.path), reason: visibleText(s.reason) }))), id);
  }

  /** Removes the run with its checkpoints, losses and embeddings. */
  delete(id: number): void {
    this.#delete.run(id);
  }

  #toRun(row: RunRow): EmbeddingRun {
    const r = new RowReader(this.#file, 'runs', row.id);
    const skipped = r.json('skipped', row.skipped);
    if (!Array.isArray(skipped) || !skipped.every((s) => s !== null && typeof s === 'object'
      && typeof s.path === 'string' && typeof s.reason === 'string' && !s.path.includes('\0') && !s.reason.includes('\0'))) {
      r.fail('skipped', 'expected a list of {path, reason}');
    }
    return {
      id: r.integer('id', row.id, 1),
      createdAt: r.integer('created_at', row.created_at),
      kind: r.oneOf('kind', row.kind, ['training'] as const),
      config: r.jsonObject('config', row.config),
      backend: r.text('backend', row.backend, 256),
      seed: r.integer('seed', row.seed, -(2 ** 53), 2 ** 53),
      status: r.oneOf('status', row.status, RUN_STATUSES),
      epochsDone: r.integer('epochs_done', row.epochs_done),
      stepsDone: r.integer('steps_done', row.steps_done),
      error: r.textOrNull('error', row.error, 65536),
      skipped: (skipped as SkippedItem[]).map((s) => ({ path: s.path, reason: s.reason })),
    };
  }
}
