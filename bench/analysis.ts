// Speed of the analysis folder on synthetic embeddings: similarity queries at 1e5 and 1e6 items,
// HNSW recall and latency, the kNN graph, t-SNE and UMAP at 1e4 and 1e5 items (d = 128).
//   node bench/analysis.ts                 everything (about 15-25 min on 2 cores)
//   node bench/analysis.ts similarity hnsw only the named parts (similarity, hnsw, graph, tsne, umap)
//   ANALYSIS_BENCH_SIZES=10000 node bench/analysis.ts tsne umap    map sizes to run
//   ANALYSIS_BENCH_TSNE_ITERATIONS=100 ...   fewer t-SNE iterations, with the full 750 extrapolated (marked as such)
// Data: 40 clusters in a 16-D latent space mapped linearly to 128-D plus isotropic noise, which is
// closer to a trained encoder's output (low intrinsic dimension) than i.i.d. Gaussian noise; HNSW is
// also measured on i.i.d. Gaussian 128-D vectors, the hardest case for any graph index.
import { availableParallelism, loadavg } from 'node:os';
import { HnswIndex, SimilarityIndex, knnGraph, tsne, umap } from '../src-main/analysis/index.ts';
import type { Embeddings, ProgressCallback } from '../src-main/analysis/index.ts';
import { Rng } from '../src-main/base/random.ts';
import { clusteredEmbeddings } from './fixtures.ts';

const parts = new Set(process.argv.slice(2));
const want = (name: string) => parts.size === 0 || parts.has(name);
const mapSizes = (process.env.ANALYSIS_BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const D = 128;

function log(line: string): void {
  console.log(line);
}

/** Progress to stderr every ~10% of a stage, so a run stopped early still shows the rate. */
function tracer(label: string): ProgressCallback {
  const start = performance.now();
  let lastStage = '';
  let lastDecile = -1;
  return (p) => {
    const decile = Math.floor((10 * p.done) / Math.max(1, p.total));
    if (p.stage === lastStage && decile === lastDecile) return;
    lastStage = p.stage;
    lastDecile = decile;
    process.stderr.write(`  [${label}] ${p.stage} ${p.done}/${p.total} at ${seconds(performance.now() - start)}\n`);
  };
}

function load(): string {
  return loadavg().map((x) => x.toFixed(2)).join(' ');
}

function synthetic(n: number, seed: number): Embeddings {
  return { data: clusteredEmbeddings(n, D, seed), n, d: D };
}

function gaussian(n: number, seed: number): Embeddings {
  const random = new Rng(seed);
  return { data: Float32Array.from({ length: n * D }, () => random.normal()), n, d: D };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}

function seconds(t: number): string {
  return `${(t / 1000).toFixed(1)} s`;
}

function rssMiB(): string {
  return `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;
}

function peakRssMiB(): string {
  return `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
}

log(`analysis bench: node ${process.version}, ${availableParallelism()} cores, load average at start ${load()}`);

if (want('similarity')) {
  for (const n of [100_000, 1_000_000]) {
    const e = synthetic(n, 2);
    let t = performance.now();
    const index = SimilarityIndex.build(e, 'cosine');
    const build = performance.now() - t;
    const random = new Rng(3);
    const times: number[] = [];
    const subsetTimes: number[] = [];
    const candidates = Uint32Array.from({ length: Math.floor(n / 10) }, (_, i) => i * 10);
    for (let q = 0; q < 60; q++) {
      const item = random.int(n);
      t = performance.now();
      index.queryItem(item, 10);
      if (q >= 10) times.push(performance.now() - t); // the first 10 warm the JIT
      t = performance.now();
      index.queryItem(item, 10, { candidates });
      if (q >= 10) subsetTimes.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    subsetTimes.sort((a, b) => a - b);
    log(
      `similarity n=${n} d=${D} cosine top-10, 1 thread: median ${ms(quantile(times, 0.5))}, p95 ${ms(quantile(times, 0.95))} over 50 queries` +
        ` | 10% candidate subset: median ${ms(quantile(subsetTimes, 0.5))}, p95 ${ms(quantile(subsetTimes, 0.95))} | index build ${ms(build)}` +
        ` | RSS ${rssMiB()} (peak ${peakRssMiB()}) | load ${load()}`,
    );
  }
  (globalThis as { gc?: () => void }).gc?.();
}

async function hnswRecall(label: string, e: Embeddings, queries: Float32Array[]): Promise<void> {
  let t = performance.now();
  const index = await HnswIndex.build(e, { metric: 'cosine', seed: 1 });
  const build = performance.now() - t;
  const exact = SimilarityIndex.build(e, 'cosine');
  const truth = queries.map((q) => new Set(exact.query(q, 10).indices));
  const exactTimes: number[] = [];
  for (const q of queries) {
    t = performance.now();
    exact.query(q, 10);
    exactTimes.push(performance.now() - t);
  }
  exactTimes.sort((a, b) => a - b);
  const rows = [];
  for (const ef of [16, 32, 64, 128, 256]) {
    let hits = 0;
    const times: number[] = [];
    queries.forEach((q, i) => {
      t = performance.now();
      const got = index.query(q, 10, ef);
      times.push(performance.now() - t);
      for (const j of got.indices) if (truth[i].has(j)) hits++;
    });
    times.sort((a, b) => a - b);
    rows.push(`ef=${ef}: recall@10 ${(hits / (10 * queries.length)).toFixed(3)}, median ${ms(quantile(times, 0.5))}, p95 ${ms(quantile(times, 0.95))}`);
  }
  log(`hnsw ${label} n=${e.n} d=${D} (M=16, efConstruction=100): build ${seconds(build)}; exact scan median ${ms(quantile(exactTimes, 0.5))}; load ${load()}`);
  for (const r of rows) log(`  ${r}`);
}

if (want('hnsw')) {
  const n = 100_000;
  const e = synthetic(n, 4);
  const random = new Rng(5);
  // Queries: held-out points from the same distribution (perturbed items), not items themselves.
  const queries = Array.from({ length: 200 }, () => {
    const i = random.int(n);
    return Float32Array.from(e.data.subarray(i * D, (i + 1) * D), (v) => v + 0.3 * random.normal());
  });
  await hnswRecall('clustered low-rank', e, queries);
  const g = gaussian(20_000, 6);
  const gq = Array.from({ length: 200 }, () => Float32Array.from({ length: D }, () => random.normal()));
  await hnswRecall('i.i.d. Gaussian (hardest case)', g, gq);
}

if (want('graph')) {
  for (const n of mapSizes) {
    const e = synthetic(n, 7);
    const t = performance.now();
    const g = await knnGraph(e, 15, { metric: 'cosine', onProgress: tracer(`graph ${n}`) });
    log(`knn graph n=${n} k=15 (${g.approximate ? 'HNSW' : 'exact, worker threads'}): ${seconds(performance.now() - t)}; load ${load()}`);
  }
}

if (want('tsne')) {
  for (const n of mapSizes) {
    const e = synthetic(n, 8);
    const t = performance.now();
    let graphDone = 0;
    let firstIter = 0;
    const trace = tracer(`tsne ${n}`);
    const iterations = Number(process.env.ANALYSIS_BENCH_TSNE_ITERATIONS ?? 750);
    const result = await tsne(e, {
      iterations,
      earlyExaggerationIterations: Math.min(250, iterations),
      onProgress: (p) => {
        trace(p);
        if (p.stage !== 'tsne' && p.done === p.total) graphDone = performance.now();
        if (p.stage === 'tsne' && firstIter === 0) firstIter = performance.now();
      },
    });
    const total = performance.now() - t;
    log(
      `tsne n=${n} d=${D} perplexity 30, ${result.iterations} iterations: total ${seconds(total)} ` +
        `(kNN graph k=90 ${seconds(graphDone - t)}; optimisation ${(((performance.now() - firstIter) / result.iterations)).toFixed(1)} ms/iteration); ` +
        `KL ${result.klDivergence.toFixed(3)}; peak RSS ${peakRssMiB()}; load ${load()}`,
    );
    if (iterations < 750) {
      const perIteration = (performance.now() - firstIter) / result.iterations;
      log(`  EXTRAPOLATED, not measured: 750 iterations would take about ${seconds(graphDone - t + 750 * perIteration)} at this rate`);
    }
  }
}

if (want('umap')) {
  for (const n of mapSizes) {
    const e = synthetic(n, 9);
    const t = performance.now();
    let graphDone = 0;
    let optimiseStart = 0;
    const trace = tracer(`umap ${n}`);
    const result = await umap(e, {
      seed: 1,
      onProgress: (p) => {
        trace(p);
        if (p.stage.startsWith('knn') && p.done === p.total) graphDone = performance.now();
        if (p.stage === 'umap (fuzzy graph)') optimiseStart = performance.now();
      },
    });
    const total = performance.now() - t;
    log(
      `umap n=${n} d=${D} nNeighbors 15, ${result.epochs} epochs: total ${seconds(total)} ` +
        `(kNN graph ${seconds(graphDone - t)}; umap-js fuzzy graph + ${result.epochs} epochs ${seconds(performance.now() - optimiseStart)}); ` +
        `peak RSS ${peakRssMiB()}; load ${load()}`,
    );
  }
}
log(`load average at end ${load()}`);
