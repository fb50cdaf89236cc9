// A small pool of worker threads that inspect FITS files. Each worker holds at most two requests,
// so it never idles waiting for the main thread. A worker that dies fails its files and is replaced.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { inspectFile } from './inspect.ts';
import type { ScanReply, ScanRequest } from './scan-protocol.ts';

const PER_WORKER = 2;

interface Pending {
  req: ScanRequest;
  resolve: (reply: ScanReply) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

export class ScanPool {
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #waiting: Pending[] = [];
  #seq = 0;
  #closed = false;
  #deaths = 0;
  #broken = '';

  readonly #workerUrl: URL | string;

  /**
   * size 0 inspects on the calling thread (for debugging; it blocks the event loop per file).
   * workerUrl: where a bundler put scan-worker (Electron builds); by default the file next to this one.
   */
  constructor(size = defaultWorkerCount(), workerUrl: URL | string = new URL('./scan-worker.ts', import.meta.url)) {
    this.size = size;
    this.#workerUrl = workerUrl;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  /** Number of files sent to workers and not yet answered. */
  get inFlight(): number {
    return this.#slots.reduce((n, s) => n + s.pending.size, 0) + this.#waiting.length;
  }

  inspect(file: string): Promise<ScanReply> {
    if (this.#closed) throw new Error('scan pool is closed');
    const req: ScanRequest = { seq: ++this.#seq, file };
    if (this.size === 0) {
      try {
        return Promise.resolve({ seq: req.seq, ok: true, inspection: inspectFile(file) });
      } catch (e) {
        return Promise.resolve({ seq: req.seq, ok: false, error: (e as Error).message ?? String(e) });
      }
    }
    if (this.#slots.length === 0) return Promise.resolve({ seq: req.seq, ok: false, error: `${file}: no reader left (${this.#broken})` });
    return new Promise<ScanReply>((resolve) => {
      this.#waiting.push({ req, resolve });
      this.#pump();
    });
  }

  /** Whether another request would start at once rather than queue. */
  get hasRoom(): boolean {
    return this.size === 0 || this.#slots.some((s) => s.pending.size < PER_WORKER);
  }

  /** Stops the workers; unanswered requests are dropped (their promises never settle). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#waiting.length = 0;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #pump(): void {
    for (const slot of this.#slots) {
      while (slot.pending.size < PER_WORKER && this.#waiting.length > 0) {
        const p = this.#waiting.shift()!;
        slot.pending.set(p.req.seq, p);
        slot.worker.postMessage(p.req);
      }
    }
  }

  #spawn(): Slot {
    const worker = new Worker(this.#workerUrl);
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: ScanReply) => {
      const p = slot.pending.get(reply.seq);
      if (!p) return;
      slot.pending.delete(reply.seq);
      p.resolve(reply);
      this.#pump();
    });
    const fail = (why: string): void => {
      if (this.#closed) return;
      for (const p of slot.pending.values()) p.resolve({ seq: p.req.seq, ok: false, error: `${p.req.file}: the reader stopped (${why})` });
      slot.pending.clear();
      const i = this.#slots.indexOf(slot);
      if (i < 0) return; // 'error' and 'exit' both fire for one death
      // A worker that keeps dying (cannot even load) must not be respawned forever.
      if (++this.#deaths > 4 * this.size + 8) {
        this.#slots.splice(i, 1);
        this.#broken = why;
        if (this.#slots.length === 0) {
          for (const p of this.#waiting.splice(0)) p.resolve({ seq: p.req.seq, ok: false, error: `${p.req.file}: no reader left (${why})` });
        }
        return;
      }
      this.#slots[i] = this.#spawn();
      this.#pump();
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`worker exited with code ${code}`));
    return slot;
  }
}
