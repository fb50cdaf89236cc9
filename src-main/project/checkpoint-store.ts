// Training checkpoints: weights, optimiser state and RNG state as written by the model layer.
// Each is saved in one transaction with the run's progress, so a kill mid-save leaves the previous
// checkpoint and progress as they were.
import type Database from 'better-sqlite3';
import { RowReader } from './untrusted.ts';

export interface CheckpointInfo {
  id: number;
  runId: number;
  epoch: number;
  step: number;
  createdAt: number;
  meta: Record<string, unknown>;
}

export interface Checkpoint extends CheckpointInfo {
  weights: Uint8Array;
  optimiser: Uint8Array | null;
  rng: unknown;
}

export interface NewCheckpoint {
  runId: number;
  epoch: number;
  step: number;
  weights: Uint8Array;
  optimiser?: Uint8Array | null;
  rng: unknown;
  meta?: Record<string, unknown>;
}

type CheckpointRow = Record<string, unknown>;

export class CheckpointStore {
  readonly #file: string;
  readonly #save: (cp: NewCheckpoint) => number;
  readonly #latest: Database.Statement<[number], CheckpointRow>;
  readonly #get: Database.Statement<[number], CheckpointRow>;
  readonly #list: Database.Statement<[number], CheckpointRow>;
  readonly #prune: Database.Statement<[number, number, number]>;
  readonly #keepEncoder: (runId: number, id: number, weights: Uint8Array) => void;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    const insert = db.prepare<[number, number, number, number, Uint8Array, Uint8Array | null, string, string], { id: number }>(
      `INSERT INTO checkpoints (run_id, epoch, step, created_at, weights, optimiser, rng, meta)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);
    const progress = db.prepare<[number, number, number]>('UPDATE runs SET epochs_done = ?, steps_done = ? WHERE id = ?');
    this.#save = db.transaction((cp: NewCheckpoint) => {
      const id = insert.get(cp.runId, cp.epoch, cp.step, Date.now(), cp.weights, cp.optimiser ?? null,
        JSON.stringify(cp.rng ?? null), JSON.stringify(cp.meta ?? {}))!.id;
      progress.run(cp.epoch, cp.step, cp.runId);
      return id;
    });
    this.#latest = db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT 1');
    this.#get = db.prepare('SELECT * FROM checkpoints WHERE id = ?');
    this.#list = db.prepare('SELECT id, run_id, epoch, step, created_at, meta FROM checkpoints WHERE run_id = ? ORDER BY step, id');
    this.#prune = db.prepare(`DELETE FROM checkpoints WHERE run_id = ? AND id NOT IN
      (SELECT id FROM checkpoints WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT ?)`);
    const others = db.prepare<[number, number]>('DELETE FROM checkpoints WHERE run_id = ? AND id <> ?');
    const meta = db.prepare<[number], { meta: string }>('SELECT meta FROM checkpoints WHERE id = ?');
    const strip = db.prepare<[Uint8Array, string, number]>('UPDATE checkpoints SET weights = ?, optimiser = NULL, meta = ? WHERE id = ?');
    this.#keepEncoder = db.transaction((runId: number, id: number, weights: Uint8Array) => {
      const row = meta.get(id);
      if (!row) return;
      const old = new RowReader(this.#file, 'checkpoints', id).jsonObject('meta', row.meta);
      others.run(runId, id);
      strip.run(weights, JSON.stringify({ ...old, encoderOnly: true }), id);
    });
  }

  /** Saves a checkpoint and the run's epochs/steps done, atomically; returns its id. */
  save(cp: NewCheckpoint): number {
    return this.#save(cp);
  }

  latest(runId: number): Checkpoint | null {
    const row = this.#latest.get(runId);
    return row ? this.#toCheckpoint(row) : null;
  }

  get(id: number): Checkpoint | null {
    const row = this.#get.get(id);
    return row ? this.#toCheckpoint(row) : null;
  }

  /** Checkpoints of a run without their BLOBs, oldest first. */
  list(runId: number): CheckpointInfo[] {
    return this.#list.all(runId).map((row) => this.#toInfo(row, new RowReader(this.#file, 'checkpoints', row.id)));
  }

  /** Keeps only the newest `keep` checkpoints of a run. */
  prune(runId: number, keep: number): void {
    this.#prune.run(runId, runId, keep);
  }

  /**
   * Keeps only checkpoint `id` of the run, its bytes replaced by `weights` (the encoder alone) and its
   * meta marked encoderOnly: the run still embeds, but can no longer resume.
   */
  keepEncoderOnly(runId: number, id: number, weights: Uint8Array): void {
    this.#keepEncoder(runId, id, weights);
  }

  #toInfo(row: CheckpointRow, r: RowReader): CheckpointInfo {
    return {
      id: r.integer('id', row.id, 1),
      runId: r.integer('run_id', row.run_id, 1),
      epoch: r.integer('epoch', row.epoch),
      step: r.integer('step', row.step),
      createdAt: r.integer('created_at', row.created_at),
      meta: r.jsonObject('meta', row.meta),
    };
  }

  #toCheckpoint(row: CheckpointRow): Checkpoint {
    const r = new RowReader(this.#file, 'checkpoints', row.id);
    return {
      ...this.#toInfo(row, r),
      weights: r.blob('weights', row.weights),
      optimiser: r.blobOrNull('optimiser', row.optimiser),
      rng: r.json('rng', row.rng),
    };
  }
}
