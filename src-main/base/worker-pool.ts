// A fixed set of worker threads answering requests, the pool the scanner and the training data loader
// share. Each worker holds at most `perWorker` requests at once, so none idles while the caller
// prepares the next; the rest wait in a queue, or for one given worker when a request must go there
// (the one whose cache holds its item). A worker that dies fails the requests it held; it is replaced
// when `respawn` is set (unless workers keep dying: then the pool is broken), otherwise the pool fails
// and so does every later request. Idle workers can be left unref'd, so they never keep a process alive.
// Structural on node:worker_threads' Worker, so base imports nothing.

/** What the pool needs of a worker thread (node:worker_threads' Worker has it). */
export interface PoolWorker {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  // One signature that each of Worker.on's overloads fits.
  on(event: 'message' | 'error' | 'exit', listener: (value: any) => void): unknown;
  terminate(): Promise<number>;
  ref?(): void;
  unref?(): void;
}

export interface WorkerPoolOptions {
  size: number;
  spawn: () => PoolWorker;
  /** Requests one worker holds at once (default 1). */
  perWorker?: number;
  /** Replace a worker that dies (at most 4 per worker and 8 more in all); otherwise a death fails the pool. */
  respawn?: boolean;
  /** Idle workers do not keep the process alive (each is ref'd while it holds a request). */
  unrefIdle?: boolean;
  /** The error for what a dead worker held (`why`: its error, or how it exited). */
  died: (why: string) => Error;
}

/** Requests carry an id the worker's reply repeats. */
export interface PoolMessage {
  id: number;
}

interface Pending<Reply> {
  message: PoolMessage;
  transfer: ArrayBuffer[];
  worker: number | undefined;
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

interface Slot<Reply> {
  worker: PoolWorker;
  held: Map<number, Pending<Reply>>;
}

export class WorkerPool<Reply extends PoolMessage> {
  readonly size: number;
  readonly #opts: WorkerPoolOptions;
  readonly #perWorker: number;
  readonly #slots: (Slot<Reply> | null)[] = [];
  readonly #waiting: Pending<Reply>[] = [];
  #nextId = 0;
  #deaths = 0;
  #closed = false;
  #failure: Error | null = null;

  constructor(opts: WorkerPoolOptions) {
    this.size = opts.size;
    this.#opts = opts;
    this.#perWorker = Math.max(1, opts.perWorker ?? 1);
    for (let i = 0; i < opts.size; i++) this.#slots.push(this.#spawn(i));
  }

  /** Requests sent to workers and not yet answered, and those waiting for one. */
  get inFlight(): number {
    return this.#slots.reduce((n, s) => n + (s?.held.size ?? 0), 0) + this.#waiting.length;
  }

  /** Whether another request would start at once rather than wait. */
  get hasRoom(): boolean {
    return this.#slots.some((s) => s !== null && s.held.size < this.#perWorker);
  }

  /** Why the pool can take no more requests (a worker died without respawn, or every worker did), or null. */
  get failure(): Error | null {
    return this.#failure;
  }

  /** Sends `message` (its id filled in) to a worker, or to worker `worker`; resolves with the reply. */
  request(message: Omit<PoolMessage, 'id'> & Record<string, unknown>, opts: { worker?: number; transfer?: ArrayBuffer[] } = {}): Promise<Reply> {
    if (this.#closed) return Promise.reject(new Error('the worker pool is closed'));
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<Reply>((resolve, reject) => {
      this.#waiting.push({ message: { ...message, id: ++this.#nextId }, transfer: opts.transfer ?? [], worker: opts.worker, resolve, reject });
      this.#pump();
    });
  }

  /** Stops the workers. Requests not yet answered fail with `reason`, or without one are dropped (their promises never settle). */
  async close(reason?: Error): Promise<void> {
    this.#closed = true;
    const unanswered = [...this.#waiting, ...this.#slots.flatMap((s) => (s ? [...s.held.values()] : []))];
    this.#waiting.length = 0;
    for (const s of this.#slots) s?.held.clear();
    if (reason) for (const p of unanswered) p.reject(reason);
    await Promise.all(this.#slots.map((s) => s?.worker.terminate()));
  }

  #pump(): void {
    for (let i = 0; i < this.#waiting.length; i++) {
      const p = this.#waiting[i]!;
      const index = p.worker ?? this.#slots.findIndex((s) => s !== null && s.held.size < this.#perWorker);
      const slot = index >= 0 ? this.#slots[index] : undefined;
      if (!slot || slot.held.size >= this.#perWorker) continue;
      this.#waiting.splice(i--, 1);
      if (slot.held.size === 0 && this.#opts.unrefIdle) slot.worker.ref?.();
      slot.held.set(p.message.id, p);
      slot.worker.postMessage(p.message, p.transfer);
    }
  }

  #spawn(index: number): Slot<Reply> {
    const worker = this.#opts.spawn();
    const slot: Slot<Reply> = { worker, held: new Map() };
    if (this.#opts.unrefIdle) worker.unref?.();
    worker.on('message', (reply: Reply) => {
      const p = slot.held.get(reply.id);
      if (!p) return;
      slot.held.delete(reply.id);
      if (slot.held.size === 0 && this.#opts.unrefIdle) worker.unref?.();
      p.resolve(reply);
      this.#pump();
    });
    worker.on('error', (e: Error) => this.#died(index, slot, e.message));
    worker.on('exit', (code: number) => this.#died(index, slot, `exited with code ${code}`));
    return slot;
  }

  #died(index: number, slot: Slot<Reply>, why: string): void {
    if (this.#closed || this.#slots[index] !== slot) return; // 'error' and 'exit' both fire for one death
    const error = this.#opts.died(why);
    for (const p of slot.held.values()) p.reject(error);
    slot.held.clear();
    // A worker that keeps dying (cannot even load) must not be respawned forever.
    if (this.#opts.respawn && ++this.#deaths <= 4 * this.size + 8) {
      this.#slots[index] = this.#spawn(index);
      this.#pump();
      return;
    }
    this.#slots[index] = null;
    const broken = !this.#opts.respawn || this.#slots.every((s) => s === null);
    const stranded = this.#waiting.filter((p) => broken || p.worker === index);
    if (broken) this.#failure = error;
    for (const p of stranded) {
      this.#waiting.splice(this.#waiting.indexOf(p), 1);
      p.reject(error);
    }
  }
}
