// Exploration as the CLI and the app see it: a project file with N items and a d = 128 embedding
// run, then similarity queries (exact and HNSW, with recall), a PCA map, k-means, density clusters
// and outlier scores through the api services, SQLite reads and JSON-ready views included. Figures
// vary with machine load; run it on an idle machine.
//   node bench/exploration.ts              N = 20,000
//   EXPLORE_BENCH_N=100000 node bench/exploration.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectSession } from '../src-main/api/services/project/project-session.ts';
import { computeClusters } from '../src-main/api/services/exploration/clusters.ts';
import { computeMap } from '../src-main/api/services/exploration/maps.ts';
import { computeOutliers } from '../src-main/api/services/exploration/outliers.ts';
import { similar } from '../src-main/api/services/exploration/similarity.ts';
import { clusteredEmbeddings, writeEmbeddingProject } from './fixtures.ts';

const N = Number(process.env.EXPLORE_BENCH_N ?? 20_000);
const D = 128;
const QUERIES = 50;

async function time<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(3)} s`);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'astromorph-explore-bench-'));
try {
  const file = join(dir, 'bench.amproj');
  await time(`project with ${N} items and a ${D}-d run written`, () => writeEmbeddingProject(file, dir, clusteredEmbeddings(N, D), D));
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
