// embed() on a worker thread, as training runs: the app's main process (and a server's event loop)
// never waits on tfjs while a project's items are embedded. The worker opens the source and the
// checkpoint itself and streams each batch of vectors back (transferred, not copied); aborting settles
// at once, keeping the batches already delivered, and the thread stops after its current batch.
import { Worker } from 'node:worker_threads';
import { runWorkerJob } from '../base/worker-job.ts';
import type { SampleSourceSpec } from './data/sample-source.ts';
import type { Embedding } from './embed.ts';
import { ModelError } from './errors.ts';
import type { TrainingSettings } from './settings.ts';
import { reviveModelError } from './train.ts';

export interface EmbeddingJob {
  /** Checkpoint bytes: the network is rebuilt from the architecture they store. */
  weights: Uint8Array;
  /** Validated settings (the run's stored ones): the input size and how vectors are made. */
  settings: TrainingSettings;
  source: SampleSourceSpec;
  batchSize?: number;
  backend?: string;
}

/** What the worker posts while it embeds. */
export type EmbeddingWorkerEvent =
  | { kind: 'start'; backend: string }
  | { kind: 'warning'; message: string }
  | { kind: 'batch'; indices: number[]; vectors: Float32Array; done: number; total: number }
  | { kind: 'unreadable'; index: number; name: string; message: string };

export interface EmbedInWorkerOptions {
  signal?: AbortSignal;
  /** The backend the worker computes on, once it has started (before the first batch). */
  onStart?: (backend: string) => void;
  onWarning?: (message: string) => void;
  /** Each batch's embeddings, in index order, as they arrive. */
  onBatch: (embeddings: Embedding[]) => void;
  onProgress?: (done: number, total: number) => void;
  /** An image that could not be loaded gets no vector; the rest go on. */
  onUnreadable?: (index: number, error: Error) => void;
}

export function embedInWorker(job: EmbeddingJob, opts: EmbedInWorkerOptions): Promise<void> {
  if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
  const worker = new Worker(new URL('./embed-worker.ts', import.meta.url), { workerData: job });
  return runWorkerJob<EmbeddingWorkerEvent, null>(worker, {
    signal: opts.signal,
    onEvent: (e) => {
      if (e.kind === 'start') return opts.onStart?.(e.backend);
      if (e.kind === 'warning') return opts.onWarning?.(e.message);
      if (e.kind === 'unreadable') {
        const error = new Error(e.message);
        error.name = e.name;
        opts.onUnreadable?.(e.index, error);
        return;
      }
      const d = e.indices.length > 0 ? e.vectors.length / e.indices.length : 0;
      opts.onBatch(e.indices.map((index, i) => ({ index, vector: e.vectors.slice(i * d, (i + 1) * d) })));
      opts.onProgress?.(e.done, e.total);
    },
    revive: reviveModelError,
    died: (why) => new ModelError(`embedding worker: ${why}`),
    stop: () => worker.postMessage({ type: 'stop' }),
  }).then(() => undefined);
}
