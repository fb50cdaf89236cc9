// A small pool of worker threads that inspect FITS files (base/worker-pool.ts). Each worker holds at
// most two requests, so it never idles waiting for the main thread. A worker that dies fails its files
// and is replaced.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { WorkerPool } from '../base/worker-pool.ts';
import { inspectFile } from './inspect.ts';
import type { ScanReply } from './scan-protocol.ts';

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

export class ScanPool {
  readonly size: number;
  readonly #pool: WorkerPool<ScanReply> | null;
  #seq = 0;
  #closed = false;

  /**
   * size 0 inspects on the calling thread (for debugging; it blocks the event loop per file).
   * workerUrl: where a bundler put scan-worker (Electron builds); by default the file next to this one.
   */
  constructor(size = defaultWorkerCount(), workerUrl: URL | string = new URL('./scan-worker.ts', import.meta.url)) {
    this.size = size;
    this.#pool = size === 0 ? null : new WorkerPool<ScanReply>({
      size, perWorker: 2, respawn: true, spawn: () => new Worker(workerUrl), died: (why) => new Error(why),
    });
  }

  /** Number of files sent to workers and not yet answered. */
  get inFlight(): number {
    return this.#pool?.inFlight ?? 0;
  }

  inspect(file: string): Promise<ScanReply> {
    if (this.#closed) throw new Error('scan pool is closed');
    if (this.#pool === null) {
      const id = ++this.#seq;
      try {
        return Promise.resolve({ id, ok: true, inspection: inspectFile(file) });
      } catch (e) {
        return Promise.resolve({ id, ok: false, error: (e as Error).message ?? String(e) });
      }
    }
    const pool = this.#pool;
    // A file whose reader died is failed with the reason, like an unreadable one: the scan goes on.
    return pool.request({ file }).catch((e: Error) => ({
      id: 0, ok: false as const, error: `${file}: ${pool.failure ? 'no reader left' : 'the reader stopped'} (${e.message})`,
    }));
  }

  /** Whether another request would start at once rather than queue. */
  get hasRoom(): boolean {
    return this.#pool?.hasRoom ?? true;
  }

  /** Stops the workers; unanswered requests are dropped (their promises never settle). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool?.close();
  }
}
