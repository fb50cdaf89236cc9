// One job on one worker thread, so the caller's event loop (the app's main process, a server) never
// waits on it: the protocol every job worker here speaks (analysis, training, embedding). The worker
// posts { type: 'event', event } any number of times, then { type: 'done', result } or
// { type: 'error', error }. Aborting terminates the thread at once, unless the job can be asked to
// stop: a thread inside a native addon's asynchronous call (onnxruntime's inference) must not be
// terminated, or the process dies (SIGSEGV/abort, seen in CI). A thread that dies fails the job.
// Structural on node:worker_threads' Worker, so base imports nothing.

/** What a job needs of a worker thread (node:worker_threads' Worker has it). */
export interface JobWorker {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  // One signature that each of Worker.on's overloads fits.
  on(event: 'message' | 'error' | 'exit', listener: (value: any) => void): unknown;
  /** A worker thread's returns a promise; a child process dressed as a worker (webgpu in Electron) may return nothing. */
  terminate(): unknown;
}

/** An error as it crosses postMessage (its class does not): the name, the message and any own string or number fields (a code). */
export interface PostedError {
  name: string;
  message: string;
  [field: string]: string | number;
}

export type JobMessage<E, R> = { type: 'event'; event: E } | { type: 'done'; result: R } | { type: 'error'; error: PostedError };

/** For the worker side: an Error (or anything thrown) as it can be posted. */
export function postedError(e: unknown): PostedError {
  const out: PostedError = { name: 'Error', message: String(e) };
  if (e instanceof Error) {
    for (const [k, v] of Object.entries(e)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    out.name = e.name;
    out.message = e.message;
  }
  return out;
}

export interface WorkerJobOptions<E> {
  signal?: AbortSignal;
  onEvent?: (event: E) => void;
  /** Turns a posted error back into the error class the caller expects. */
  revive: (error: PostedError) => Error;
  /** The error for a thread that failed or stopped before finishing (`why` says how). */
  died: (why: string) => Error;
  /**
   * Asks the worker to stop by itself. When given, the job's promise still settles at once (an abort
   * rejects with its reason), but the thread is left to exit on its own, after a stop request when
   * aborted, and is terminated only if it has not exited `graceMs` later.
   */
  stop?: () => void;
  /** How long a worker that was asked to stop (or has finished) may take to exit; 30 s by default. */
  graceMs?: number;
}

/** The job's result; when it settles, whichever way, the worker is terminated (or with `stop`, asked to stop). */
export function runWorkerJob<E, R>(worker: JobWorker, opts: WorkerJobOptions<E>): Promise<R> {
  const { signal } = opts;
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      if (opts.stop) {
        opts.stop(); // a worker that has finished ignores it
        exitOrTerminate();
      } else void Promise.resolve(worker.terminate()).catch(() => {});
    };
    let exited = false;
    const exitOrTerminate = () => {
      if (exited) return;
      const timer = setTimeout(() => void Promise.resolve(worker.terminate()).catch(() => {}), opts.graceMs ?? 30_000);
      worker.on('exit', () => clearTimeout(timer));
    };
    const onAbort = () => settle(() => reject(signal!.reason));
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: JobMessage<E, R>) => {
      if (settled) return;
      if (m.type === 'event') {
        try {
          opts.onEvent?.(m.event);
        } catch (e) {
          settle(() => reject(e));
        }
      } else if (m.type === 'done') settle(() => resolve(m.result));
      else if (m.type === 'error') settle(() => reject(opts.revive(m.error)));
    });
    worker.on('error', (e: Error) => settle(() => reject(opts.died(e.message))));
    worker.on('exit', (code: number) => {
      exited = true;
      settle(() => reject(opts.died(`exited with code ${code} before finishing`)));
    });
  });
}
