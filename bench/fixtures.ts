// Synthetic data the benches share: clustered embeddings shaped like an encoder's output, and a
// project file holding them as one run.
import { join } from 'node:path';
import { emptyMetadata } from '../src-main/dataset/index.ts';
import { Project } from '../src-main/project/index.ts';
import { Rng } from '../src-main/base/random.ts';

/**
 * n rows of d values: `clusters` clusters in a `latent`-D space mapped linearly to d-D plus noise.
 * Low intrinsic dimension, closer to a trained encoder's output than i.i.d. Gaussian noise.
 */
export function clusteredEmbeddings(n: number, d: number, seed = 1, latent = 16, clusters = 40): Float32Array {
  const random = new Rng(seed);
  const w = Float64Array.from({ length: latent * d }, () => random.normal() / Math.sqrt(latent));
  const centres = Array.from({ length: clusters }, () => Float64Array.from({ length: latent }, () => 3 * random.normal()));
  const data = new Float32Array(n * d);
  const z = new Float64Array(latent);
  for (let i = 0; i < n; i++) {
    const c = centres[random.int(clusters)];
    for (let l = 0; l < latent; l++) z[l] = c[l] + random.normal();
    for (let t = 0; t < d; t++) {
      let s = 0.1 * random.normal();
      for (let l = 0; l < latent; l++) s += z[l] * w[l * d + t];
      data[i * d + t] = s;
    }
  }
  return data;
}

/**
 * A new project at `file` with one item per row of `data` (paths under `dir`/data, no files on
 * disk; every third item's instrument is ALMA, the rest HST) and one run holding the rows.
 */
export function writeEmbeddingProject(file: string, dir: string, data: Float32Array, d: number): void {
  const n = data.length / d;
  const p = Project.create(file);
  try {
    const datasetId = p.datasets.add(join(dir, 'data'));
    p.transaction(() => {
      const rows: { itemId: number; vector: Float32Array }[] = [];
      for (let i = 0; i < n; i++) {
        const itemId = p.items.save({
          path: `data/f${i}.fits`, datasetId, size: 1, mtimeMs: 0, contentHash: null, hdu: 0, shape: [64, 64], axisKinds: ['spatial', 'spatial'],
          bitpix: -32, status: 'ok', error: null, metadata: { ...emptyMetadata(), instrument: i % 3 === 0 ? 'ALMA' : 'HST' }, header: {}, issues: [],
        });
        rows.push({ itemId, vector: data.subarray(i * d, (i + 1) * d) });
      }
      const run = p.runs.create({ config: {}, backend: 'cpu', seed: 0 });
      p.embeddings.putMany(run.id, rows);
    });
  } finally {
    p.close();
  }
}
