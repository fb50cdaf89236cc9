// Runs a heavy analysis job on a worker thread so the caller's event loop (UI, server) stays free.
// Cancelling terminates the thread at once; the job's memory goes with it.
import { Worker } from 'node:worker_threads';
import { runWorkerJob } from '../base/worker-job.ts';
import type { AnalysisJob, AnalysisJobResult } from './analysis-job.ts';
import type { Progress, ProgressCallback } from './embeddings.ts';
import { AnalysisError } from './errors.ts';
import type { AnalysisErrorCode } from './errors.ts';

export interface WorkerControl {
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

export function runAnalysisInWorker<J extends AnalysisJob>(job: J, control: WorkerControl = {}): Promise<AnalysisJobResult<J>> {
  const { signal, onProgress } = control;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const where = `analysis worker (${job.kind})`;
  return runWorkerJob<Progress, AnalysisJobResult<J>>(new Worker(new URL('./analysis-worker.ts', import.meta.url), { workerData: job }), {
    signal,
    onEvent: onProgress,
    revive: (e) => (e.name === 'AnalysisError' && typeof e.code === 'string' && typeof e.where === 'string' && typeof e.problem === 'string'
      ? new AnalysisError(e.code as AnalysisErrorCode, e.where, e.problem)
      : new AnalysisError('worker-failed', where, `${e.name}: ${e.message}`)),
    died: (why) => new AnalysisError('worker-failed', where, why),
  });
}
