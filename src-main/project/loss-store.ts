// The loss curve of a training run, one row per logged step.
import type Database from 'better-sqlite3';
import { RowReader } from './untrusted.ts';

export interface LossPoint {
  epoch: number;
  step: number;
  loss: number;
  imagesPerS: number | null;
  /** Fraction of the step spent waiting for data (0..1), or seconds, as the trainer reports it. */
  dataWait: number | null;
}

export class LossStore {
  readonly #file: string;
  readonly #append: (runId: number, points: readonly LossPoint[]) => void;
  readonly #list: Database.Statement<[number], Record<string, unknown>>;

  constructor(db: Database.Database, file: string) {
    this.#file = file;
    const insert = db.prepare<[number, number, number, number, number | null, number | null]>(
      `INSERT OR REPLACE INTO losses (run_id, epoch, step, loss, images_per_s, data_wait) VALUES (?, ?, ?, ?, ?, ?)`);
    this.#append = db.transaction((runId: number, points: readonly LossPoint[]) => {
      for (const p of points) insert.run(runId, p.epoch, p.step, p.loss, p.imagesPerS, p.dataWait);
    });
    this.#list = db.prepare('SELECT run_id, epoch, step, loss, images_per_s, data_wait FROM losses WHERE run_id = ? ORDER BY step');
  }

  append(runId: number, points: readonly LossPoint[]): void {
    this.#append(runId, points);
  }

  list(runId: number): LossPoint[] {
    return this.#list.all(runId).map((row) => {
      const r = new RowReader(this.#file, 'losses', `${String(row.run_id)}/${String(row.step)}`);
      // NaN losses are stored as NULL by SQLite; report them as NaN rather than refusing the run.
      return {
        epoch: r.integer('epoch', row.epoch),
        step: r.integer('step', row.step),
        loss: row.loss === null ? Number.NaN : r.finite('loss', row.loss),
        imagesPerS: r.finiteOrNull('images_per_s', row.images_per_s),
        dataWait: r.finiteOrNull('data_wait', row.data_wait),
      };
    });
  }
}
