// Exploration as the CLI and the app see it: a project file with N items and a d = 128 embedding
// run, then similarity queries (exact and HNSW, with recall), a PCA map, k-means, density clusters
// and outlier scores through the api services, SQLite reads and JSON-ready views included. Figures
// vary with machine load; run it on an idle machine.
//   node bench/exploration.ts              N = 20,000
//   EXPLORE_BENCH_N=100000 node bench/exploration.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyMetadata } from '../src-main/dataset/index.ts';
import { Project } from '../src-main/project/index.ts';
import { ProjectSession, computeClusters, computeMap, computeOutliers, similar } from '../src-main/api/index.ts';
import { SeededRandom } from '../src-main/analysis/seeded-random.ts';

const N = Number(process.env.EXPLORE_BENCH_N ?? 20_000);
const D = 128;
const QUERIES = 50;

function vectors(n: number, seed = 1, latent = 16, clusters = 40): Float32Array {
  // Clusters in a 16-D latent space mapped to 128-D plus noise: low intrinsic dimension, like an encoder's output.
  const random = new SeededRandom(seed);
  const w = Float64Array.from({ length: latent * D }, () => random.gaussian() / Math.sqrt(latent));
  const centres = Array.from({ length: clusters }, () => Float64Array.from({ length: latent }, () => 3 * random.gaussian()));
  const data = new Float32Array(n * D);
  const z = new Float64Array(latent);
  for (let i = 0; i < n; i++) {
    const c = centres[random.int(clusters)];
    for (let l = 0; l < latent; l++) z[l] = c[l] + random.gaussian();
    for (let t = 0; t < D; t++) {
      let s = 0.1 * random.gaussian();
      for (let l = 0; l < latent; l++) s += z[l] * w[l * D + t];
      data[i * D + t] = s;
    }
  }
  return data;
}

async function time<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(3)} s`);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'astromorph-explore-bench-'));
try {
  const file = join(dir, 'bench.amproj');
  await time(`project with ${N} items and a ${D}-d run written`, () => {
    const p = Project.create(file);
    try {
      const datasetId = p.datasets.add(join(dir, 'data'));
      const data = vectors(N);
      p.transaction(() => {
        const rows: { itemId: number; vector: Float32Array }[] = [];
        for (let i = 0; i < N; i++) {
          const itemId = p.items.save({
            path: `data/f${i}.fits`, datasetId, size: 1, mtimeMs: 0, contentHash: null, hdu: 0, shape: [64, 64], axisKinds: ['spatial', 'spatial'],
            bitpix: -32, status: 'ok', error: null, metadata: { ...emptyMetadata(), instrument: i % 3 === 0 ? 'ALMA' : 'HST' }, header: {}, issues: [],
          });
          rows.push({ itemId, vector: data.subarray(i * D, (i + 1) * D) });
        }
        const run = p.runs.create({ config: {}, backend: 'cpu', seed: 0 });
        p.embeddings.putMany(run.id, rows);
      });
    } finally {
      p.close();
    }
  });
  const session = ProjectSession.open(file);
  try {
    const ids = Array.from({ length: QUERIES }, (_, q) => 1 + Math.floor((q * N) / QUERIES));
    await time('similar, exact, first query (loads the run)', () => similar(session, ids[0], { k: 12 }));
    const t0 = performance.now();
    for (const id of ids) await similar(session, id, { k: 12 });
    console.log(`similar, exact, k=12: ${((performance.now() - t0) / QUERIES).toFixed(1)} ms per query (mean of ${QUERIES}, each reads the run from SQLite)`);
    const t1 = performance.now();
    for (const id of ids) await similar(session, id, { k: 12, filter: { instrument: 'ALMA' } });
    console.log(`similar, exact, instrument filter (1/3 of items): ${((performance.now() - t1) / QUERIES).toFixed(1)} ms per query`);
    await time('similar, hnsw, first query (builds the index)', () => similar(session, ids[0], { k: 12, search: 'hnsw' }));
    let recall = 0;
    const t2 = performance.now();
    for (const id of ids) recall += (await similar(session, id, { k: 12, search: 'hnsw' })).recall!;
    console.log(`similar, hnsw, k=12: ${((performance.now() - t2) / QUERIES).toFixed(1)} ms per query incl. the exact check; mean recall@12 ${(recall / QUERIES).toFixed(3)}`);
    await time('map pca (10 components), computed and stored', () => computeMap(session, { method: 'pca' }));
    await time('map pca, reused', () => computeMap(session, { method: 'pca' }));
    await time('clusters kmeans k=40', () => computeClusters(session, { method: 'kmeans', k: 40 }));
    await time('outliers k=10, top 50 (computes and stores the kNN graph)', () => computeOutliers(session, { top: 50 }));
    await time('outliers k=5, top 50 (from the stored graph)', () => computeOutliers(session, { top: 50, k: 5 }));
    await time('clusters density (min cluster size 20; from the stored graph)', () => computeClusters(session, { method: 'density', minClusterSize: 20 }));
    await time('map umap (from the stored graph)', () => computeMap(session, { method: 'umap' }));
  } finally {
    session.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
