// The k nearest neighbours of every item (UMAP, t-SNE affinities, HDBSCAN core distances, outlier
// scores). Exact scans up to `exactLimit` items (cost grows as n^2 d); beyond that an HNSW index is
// built once (one thread) and every item queried (approximate, about n log n). Either way the
// per-item work is split across worker threads over shared memory.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { AnalysisError } from './errors.ts';
import { checkEmbeddings, checkPositiveInteger } from './embeddings.ts';
import type { Embeddings, Metric, ProgressCallback } from './embeddings.ts';
import { scanStateOf } from './knn.ts';
import { graphRows } from './knn-graph-rows.ts';
import { hnswGraphRows } from './hnsw-graph-rows.ts';
import { HnswIndex } from './hnsw.ts';

export interface KnnGraph {
  readonly n: number;
  readonly k: number;
  readonly metric: Metric;
  /** Row i holds item i's k neighbours, nearest first (never i itself). */
  readonly indices: Int32Array;
  readonly distances: Float32Array;
  /** True when the neighbours came from HNSW rather than an exact scan. */
  readonly approximate: boolean;
}

export interface KnnGraphOptions {
  readonly metric?: Metric;
  /** 'auto' scans exactly up to `exactLimit` items and uses HNSW above. */
  readonly method?: 'auto' | 'exact' | 'hnsw';
  readonly exactLimit?: number;
  /** Worker threads; default: available cores (at most 8). 1 runs in this thread. */
  readonly threads?: number;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
  readonly seed?: number;
}

export const DEFAULT_EXACT_LIMIT = 20_000;

export async function knnGraph(e: Embeddings, k: number, options: KnnGraphOptions = {}): Promise<KnnGraph> {
  checkEmbeddings(e, 'knnGraph', 2);
  checkPositiveInteger(k, 'k', 'knnGraph', e.n - 1);
  const metric = options.metric ?? 'cosine';
  const method = options.method ?? 'auto';
  if (method !== 'exact' && method !== 'auto' && method !== 'hnsw') {
    throw new AnalysisError('bad-parameter', 'knnGraph', `method must be 'auto', 'exact' or 'hnsw' (got ${String(method)})`);
  }
  options.signal?.throwIfAborted();
  const { n } = e;
  const indices = new Int32Array(new SharedArrayBuffer(n * k * 4));
  const distances = new Float32Array(new SharedArrayBuffer(n * k * 4));
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(8, availableParallelism()), Math.ceil(n / 512)));
  if (method === 'hnsw' || (method === 'auto' && n > (options.exactLimit ?? DEFAULT_EXACT_LIMIT))) {
    const index = await HnswIndex.build(e, {
      metric,
      seed: options.seed,
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ stage: 'knn-graph (hnsw build)', done: p.done, total: p.total }),
    });
    const state = index.state;
    const ef = Math.max(2 * k, 64);
    await inBlocks(n, threads, 'knn-graph (hnsw query)', options, (from, to) => ({ kind: 'hnsw', state, k, ef, from, to, indices, distances }));
    return { n, k, metric, indices, distances, approximate: true };
  }
  const state = scanStateOf(e, metric);
  await inBlocks(n, threads, 'knn-graph', options, (from, to) => ({ kind: 'exact', state, k, from, to, indices, distances }));
  return { n, k, metric, indices, distances, approximate: false };
}

type Task = ({ kind: 'exact' } & Parameters<typeof graphRows>[0]) | ({ kind: 'hnsw' } & Parameters<typeof hnswGraphRows>[0]);

function runTask(task: Task): void {
  if (task.kind === 'exact') graphRows(task);
  else hnswGraphRows(task);
}

/** Runs tasks over items [0, n): in this thread in blocks of 512 (yielding between them), or on `threads` workers. */
async function inBlocks(n: number, threads: number, stage: string, options: KnnGraphOptions, task: (from: number, to: number) => Task): Promise<void> {
  const report = options.onProgress;
  if (threads === 1) {
    let last = performance.now();
    for (let from = 0; from < n; from += 512) {
      const to = Math.min(n, from + 512);
      runTask(task(from, to));
      if (performance.now() - last > 50) {
        report?.({ stage, done: to, total: n });
        await new Promise((r) => setImmediate(r));
        options.signal?.throwIfAborted();
        last = performance.now();
      }
    }
    report?.({ stage, done: n, total: n });
    return;
  }
  let done = 0;
  const workers: Worker[] = [];
  const stop = () => {
    for (const w of workers) void w.terminate();
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const jobs: Promise<void>[] = [];
    for (let t = 0; t < threads; t++) {
      const w = new Worker(new URL('./knn-graph-worker.ts', import.meta.url), {
        workerData: task(Math.floor((t * n) / threads), Math.floor(((t + 1) * n) / threads)),
      });
      workers.push(w);
      jobs.push(
        new Promise<void>((resolve, reject) => {
          let finished = false;
          w.on('message', (m: { done?: number; finished?: boolean }) => {
            if (m.done) {
              done += m.done;
              report?.({ stage, done, total: n });
            }
            if (m.finished) finished = true;
          });
          w.on('error', (err) => reject(new AnalysisError('worker-failed', 'knnGraph', err.message)));
          w.on('exit', () => {
            if (finished) resolve();
            else if (options.signal?.aborted) reject(options.signal.reason);
            else reject(new AnalysisError('worker-failed', 'knnGraph', 'a worker thread stopped before finishing'));
          });
        }),
      );
    }
    await Promise.all(jobs);
  } catch (err) {
    stop();
    throw options.signal?.aborted ? options.signal.reason : err;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}
