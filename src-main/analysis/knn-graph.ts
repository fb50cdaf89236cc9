// The k nearest neighbours of every item (UMAP, t-SNE affinities, HDBSCAN core distances, outlier
// scores). Exact scans split across worker threads up to `exactLimit` items (cost grows as n^2 d);
// beyond that an HNSW index is built once and each item queried (approximate, near n log n).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { AnalysisError } from './errors.ts';
import { checkEmbeddings, checkPositiveInteger } from './embeddings.ts';
import type { Embeddings, Metric, ProgressCallback } from './embeddings.ts';
import { scanStateOf } from './knn.ts';
import { graphRows } from './knn-graph-rows.ts';
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
  /** Worker threads for the exact scan; default: available cores (at most 8). 1 runs in this thread. */
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
  const exactLimit = options.exactLimit ?? DEFAULT_EXACT_LIMIT;
  options.signal?.throwIfAborted();
  if (method === 'hnsw' || (method === 'auto' && e.n > exactLimit)) return hnswGraph(e, k, metric, options);
  if (method !== 'exact' && method !== 'auto') {
    throw new AnalysisError('bad-parameter', 'knnGraph', `method must be 'auto', 'exact' or 'hnsw' (got ${String(method)})`);
  }
  return exactGraph(e, k, metric, options);
}

async function exactGraph(e: Embeddings, k: number, metric: Metric, options: KnnGraphOptions): Promise<KnnGraph> {
  const { n } = e;
  const state = scanStateOf(e, metric);
  const indices = new Int32Array(new SharedArrayBuffer(n * k * 4));
  const distances = new Float32Array(new SharedArrayBuffer(n * k * 4));
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(8, availableParallelism()), Math.ceil(n / 512)));
  const report = options.onProgress;
  if (threads === 1) {
    let done = 0;
    let last = performance.now();
    // In-thread: work in blocks and yield between them so the signal and progress get through.
    for (let from = 0; from < n; from += 512) {
      const to = Math.min(n, from + 512);
      graphRows({ state, k, from, to, indices, distances });
      done = to;
      if (performance.now() - last > 50) {
        report?.({ stage: 'knn-graph', done, total: n });
        await new Promise((r) => setImmediate(r));
        options.signal?.throwIfAborted();
        last = performance.now();
      }
    }
    report?.({ stage: 'knn-graph', done: n, total: n });
    return { n, k, metric, indices, distances, approximate: false };
  }
  let done = 0;
  const workers: Worker[] = [];
  const onAbort = () => {
    for (const w of workers) void w.terminate();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const jobs: Promise<void>[] = [];
    for (let t = 0; t < threads; t++) {
      const from = Math.floor((t * n) / threads);
      const to = Math.floor(((t + 1) * n) / threads);
      const w = new Worker(new URL('./knn-graph-worker.ts', import.meta.url), {
        workerData: { state, k, from, to, indices, distances },
      });
      workers.push(w);
      jobs.push(
        new Promise<void>((resolve, reject) => {
          let finished = false;
          w.on('message', (m: { done?: number; finished?: boolean }) => {
            if (m.done) {
              done += m.done;
              report?.({ stage: 'knn-graph', done, total: n });
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
    onAbort();
    throw options.signal?.aborted ? options.signal.reason : err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return { n, k, metric, indices, distances, approximate: false };
}

async function hnswGraph(e: Embeddings, k: number, metric: Metric, options: KnnGraphOptions): Promise<KnnGraph> {
  const { n } = e;
  const index = await HnswIndex.build(e, {
    metric,
    seed: options.seed,
    signal: options.signal,
    onProgress: (p) => options.onProgress?.({ stage: 'knn-graph (hnsw build)', done: p.done, total: p.total }),
  });
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const ef = Math.max(2 * k, 64);
  let last = performance.now();
  for (let i = 0; i < n; i++) {
    const nb = index.query(index.row(i), k, ef, i);
    indices.set(nb.indices, i * k);
    distances.set(nb.distances, i * k);
    // A query can come back short only if the graph is tiny; pad with the last neighbour found.
    for (let j = nb.indices.length; j < k; j++) {
      indices[i * k + j] = indices[i * k + j - 1];
      distances[i * k + j] = distances[i * k + j - 1];
    }
    if ((i & 255) === 255 && performance.now() - last > 100) {
      options.onProgress?.({ stage: 'knn-graph (hnsw query)', done: i + 1, total: n });
      await new Promise((r) => setImmediate(r));
      options.signal?.throwIfAborted();
      last = performance.now();
    }
  }
  options.onProgress?.({ stage: 'knn-graph (hnsw query)', done: n, total: n });
  return { n, k, metric, indices, distances, approximate: true };
}
