// Barnes–Hut t-SNE (van der Maaten 2014) to a 2-D map. Written here because the npm t-SNE packages
// (tsne-js, @keckelt/tsne) compute the exact O(n^2) gradient, hopeless beyond a few thousand items.
// Choices follow scikit-learn/openTSNE: affinities on the 3*perplexity nearest neighbours, PCA
// initialisation scaled to std 1e-4, early exaggeration 12 for 250 of 750 iterations (openTSNE), momentum 0.5 -> 0.8,
// delta-bar-delta gains, learning rate 'auto' = max(n / 12 / 4, 50).
import { checkEmbeddings, checkPositiveInteger } from './embeddings.ts';
import type { Embeddings, Metric, ProgressCallback } from './embeddings.ts';
import { AnalysisError } from './errors.ts';
import { knnGraph } from './knn-graph.ts';
import type { KnnGraph } from './knn-graph.ts';
import { Pca } from './pca.ts';
import { BarnesHutTree } from './barnes-hut-tree.ts';
import { availableParallelism } from 'node:os';
import { forcesFor, inThreadForces, sharedFloat64, workerForces } from './tsne-forces.ts';
import type { Affinities, ForceBuffers } from './tsne-forces.ts';

export interface TsneOptions {
  readonly perplexity?: number;
  /** A number, or 'auto' (default) for max(n / earlyExaggeration / 4, 50). */
  readonly learningRate?: number | 'auto';
  readonly iterations?: number;
  readonly earlyExaggeration?: number;
  readonly earlyExaggerationIterations?: number;
  /** Barnes–Hut accuracy: 0 is exact, larger is faster. Default 0.5. */
  readonly theta?: number;
  readonly metric?: Metric;
  /** Seeds the neighbour search only: the PCA start makes the rest deterministic. */
  readonly seed?: number;
  /** A kNN graph already computed on the same items with at least 3 * perplexity neighbours. */
  readonly graph?: KnnGraph;
  /** Worker threads for the gradient; default: available cores (at most 8) from 5,000 items, else 1 (this thread). */
  readonly threads?: number;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

export interface TsneResult {
  /** n x 2, row-major. */
  readonly coordinates: Float32Array;
  /** Kullback–Leibler divergence of the final map (Barnes–Hut estimate of Z). */
  readonly klDivergence: number;
  readonly iterations: number;
}

export async function tsne(e: Embeddings, options: TsneOptions = {}): Promise<TsneResult> {
  checkEmbeddings(e, 'tsne', 4);
  const { n } = e;
  const perplexity = options.perplexity ?? 30;
  if (!(perplexity > 1) || perplexity >= n) {
    throw new AnalysisError('bad-parameter', 'tsne', `perplexity must be in (1, n) (got ${perplexity} for n=${n})`);
  }
  const iterations = options.iterations ?? 750;
  checkPositiveInteger(iterations, 'iterations', 'tsne');
  const exaggeration = options.earlyExaggeration ?? 12;
  const exaggerationIterations = Math.min(iterations, options.earlyExaggerationIterations ?? 250);
  const lrOption = options.learningRate ?? 'auto';
  const learningRate = lrOption === 'auto' ? Math.max(n / exaggeration / 4, 50) : lrOption;
  if (!(learningRate > 0)) throw new AnalysisError('bad-parameter', 'tsne', `learningRate must be positive (got ${learningRate})`);
  const theta = options.theta ?? 0.5;
  const metric = options.metric ?? 'cosine';
  const k = Math.min(n - 1, Math.floor(3 * perplexity));
  const progress = options.onProgress;

  const graph =
    options.graph && options.graph.n === n && options.graph.k >= k
      ? options.graph
      : await knnGraph(e, k, { metric, seed: options.seed, signal: options.signal, onProgress: progress });
  const P = affinities(graph, k, perplexity, metric);

  // PCA start, scaled so the first axis has std 1e-4 (tiny, so early exaggeration forms the clusters).
  const pca = Pca.fit(e, { components: 2 });
  const start = pca.project(e.data, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += start[2 * i] ** 2;
  const scale = 1e-4 / Math.max(Math.sqrt(s / n), 1e-300);
  const y = sharedFloat64(n * 2);
  for (let i = 0; i < 2 * n; i++) y[i] = start[i] * scale;

  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const buffers: ForceBuffers = {
    n,
    theta2: theta * theta,
    P,
    y,
    attract: sharedFloat64(2 * n),
    repel: sharedFloat64(2 * n),
    qsum: sharedFloat64(n),
  };
  const { attract, repel, qsum } = buffers;
  const threads = options.threads ?? (n >= 5000 ? Math.min(8, availableParallelism()) : 1);
  checkPositiveInteger(threads, 'threads', 'tsne');
  const forces = threads > 1 ? workerForces(buffers, threads) : inThreadForces(buffers);
  let last = performance.now();
  try {
    for (let iter = 0; iter < iterations; iter++) {
      const early = iter < exaggerationIterations;
      const exag = early ? exaggeration : 1;
      const momentum = early ? 0.5 : 0.8;
      await forces.compute();
      // Summed in item order so the result does not depend on how items were split across threads.
      let sumQ = 0;
      for (let i = 0; i < n; i++) sumQ += qsum[i];
      for (let c = 0; c < 2 * n; c++) {
        const grad = 4 * (exag * attract[c] - repel[c] / sumQ);
        const g = (grad > 0) !== (update[c] > 0) ? gains[c] + 0.2 : gains[c] * 0.8;
        gains[c] = g < 0.01 ? 0.01 : g;
        update[c] = momentum * update[c] - learningRate * gains[c] * grad;
        y[c] += update[c];
      }
      let mx = 0;
      let my = 0;
      for (let i = 0; i < n; i++) {
        mx += y[2 * i];
        my += y[2 * i + 1];
      }
      mx /= n;
      my /= n;
      for (let i = 0; i < n; i++) {
        y[2 * i] -= mx;
        y[2 * i + 1] -= my;
      }
      if (performance.now() - last > 50 || iter + 1 === iterations) {
        progress?.({ stage: 'tsne', done: iter + 1, total: iterations });
        await new Promise((r) => setImmediate(r));
        options.signal?.throwIfAborted();
        last = performance.now();
      }
    }
  } finally {
    forces.close();
  }
  forcesFor(buffers, new BarnesHutTree(), 0, n);
  let sumQ = 0;
  for (let i = 0; i < n; i++) sumQ += qsum[i];
  return { coordinates: Float32Array.from(y), klDivergence: klDivergence(P, y, n, sumQ), iterations };
}

function klDivergence(P: Affinities, y: Float64Array, n: number, sumQ: number): number {
  const { rowStart, cols, vals } = P;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let p = rowStart[i]; p < rowStart[i + 1]; p++) {
      const j = cols[p];
      const dx = y[2 * i] - y[2 * j];
      const dy = y[2 * i + 1] - y[2 * j + 1];
      const q = 1 / (1 + dx * dx + dy * dy) / sumQ;
      if (vals[p] > 0) kl += vals[p] * Math.log(vals[p] / Math.max(q, 1e-300));
    }
  }
  return kl;
}

/**
 * Conditional Gaussian affinities on each item's k neighbours with the bandwidth found by bisection
 * to match the perplexity, then symmetrised: p_ij = (p_j|i + p_i|j) / 2n.
 */
function affinities(g: KnnGraph, k: number, perplexity: number, metric: Metric): Affinities {
  const { n } = g;
  const target = Math.log(perplexity);
  const cond = new Float64Array(n * k);
  const dist = new Float64Array(k);
  const p = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    // Euclidean uses squared distances; cosine distance already behaves like one (|a-b|^2 = 2(1-cos) on unit vectors).
    let dmin = Infinity;
    for (let j = 0; j < k; j++) {
      const v = g.distances[i * g.k + j];
      dist[j] = metric === 'euclidean' ? v * v : v;
      if (dist[j] < dmin) dmin = dist[j];
    }
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    for (let iter = 0; iter < 200; iter++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < k; j++) {
        p[j] = Math.exp(-beta * (dist[j] - dmin));
        sum += p[j];
        weighted += (dist[j] - dmin) * p[j];
      }
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      const diff = entropy - target;
      if (Math.abs(diff) < 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    let sum = 0;
    for (let j = 0; j < k; j++) sum += p[j];
    for (let j = 0; j < k; j++) cond[i * k + j] = p[j] / sum;
  }
  // Symmetrise: every (i, j) also stands as (j, i); duplicates merged per row.
  const degree = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      degree[i]++;
      degree[g.indices[i * g.k + j]]++;
    }
  }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + degree[i];
  const fill = start.slice(0, n);
  const cols = new Int32Array(start[n]);
  const vals = new Float64Array(start[n]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = g.indices[i * g.k + j];
      const v = cond[i * k + j];
      cols[fill[i]] = t;
      vals[fill[i]++] = v;
      cols[fill[t]] = i;
      vals[fill[t]++] = v;
    }
  }
  const rowStart = new Int32Array(n + 1);
  const outCols: number[] = [];
  const outVals: number[] = [];
  const norm = 1 / (2 * n);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let q = start[i]; q < start[i + 1]; q++) order.push(q);
    order.sort((a, b) => cols[a] - cols[b]);
    let prev = -1;
    for (const q of order) {
      if (cols[q] === prev) outVals[outVals.length - 1] += vals[q] * norm;
      else {
        outCols.push(cols[q]);
        outVals.push(vals[q] * norm);
        prev = cols[q];
      }
    }
    rowStart[i + 1] = outCols.length;
  }
  const shared: Affinities = {
    rowStart: new Int32Array(new SharedArrayBuffer(rowStart.length * 4)),
    cols: new Int32Array(new SharedArrayBuffer(Math.max(1, outCols.length) * 4)),
    vals: sharedFloat64(outVals.length),
  };
  shared.rowStart.set(rowStart);
  shared.cols.set(outCols);
  shared.vals.set(outVals);
  return shared;
}
