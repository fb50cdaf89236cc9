// Runs a heavy analysis job on a worker thread so the caller's event loop (UI, server) stays free.
// Cancelling terminates the thread at once; the job's memory goes with it.
import { Worker } from 'node:worker_threads';
import type { AnalysisJob, AnalysisJobResult } from './analysis-job.ts';
import type { ProgressCallback } from './embeddings.ts';
import { AnalysisError } from './errors.ts';
import type { AnalysisErrorCode } from './errors.ts';

interface PostedError {
  readonly name: string;
  readonly message: string;
  readonly code?: AnalysisErrorCode;
  readonly where?: string;
  readonly problem?: string;
}

export interface WorkerControl {
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

export function runAnalysisInWorker<J extends AnalysisJob>(job: J, control: WorkerControl = {}): Promise<AnalysisJobResult<J>> {
  const { signal, onProgress } = control;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./analysis-worker.ts', import.meta.url), { workerData: job });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      settle(() => reject(signal!.reason));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { progress?: Parameters<ProgressCallback>[0]; result?: unknown; error?: PostedError }) => {
      if (m.progress) onProgress?.(m.progress);
      else if (m.error) {
        const { error } = m;
        settle(() =>
          reject(
            error.name === 'AnalysisError' && error.code && error.where && error.problem !== undefined
              ? new AnalysisError(error.code, error.where, error.problem)
              : new AnalysisError('worker-failed', `analysis worker (${job.kind})`, `${error.name}: ${error.message}`),
          ),
        );
      } else if ('result' in m) settle(() => resolve(m.result as AnalysisJobResult<J>));
    });
    worker.on('error', (err) => settle(() => reject(new AnalysisError('worker-failed', `analysis worker (${job.kind})`, err.message))));
    worker.on('exit', (code) => settle(() => reject(new AnalysisError('worker-failed', `analysis worker (${job.kind})`, `exited with code ${code} before finishing`))));
  });
}
