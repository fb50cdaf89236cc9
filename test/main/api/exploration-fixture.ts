// A real project file whose embedding runs hold known geometry (Gaussian blobs, a "size" direction),
// so exploration results can be checked exactly. The items are rows only: no FITS files behind them.
import { join } from 'node:path';
import { emptyMetadata } from '../../../src-main/dataset/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { gaussianBlobs } from '../analysis/blobs.ts';

export interface BlobProject {
  file: string;
  blobRun: number;
  sizeRun: number;
  /** Item ids in embedding-row order (blob run). */
  itemIds: number[];
  labels: Int32Array;
  vectors: Float32Array;
  dim: number;
  /** The item whose vector lies far from every blob (blob run). */
  outlierId: number;
  /** Per item id: the "size" along the size run's main direction, also its EXPTIME card. */
  sizes: Map<number, number>;
}

export const CLUSTERS = 3;
export const PER_CLUSTER = 20;
export const DIM = 8;

export function makeBlobProject(dir: string): BlobProject {
  const file = join(dir, 'blobs.amproj');
  const project = Project.create(file);
  try {
    const datasetId = project.datasets.add(join(dir, 'data'));
    const blobs = gaussianBlobs(7, CLUSTERS, PER_CLUSTER, DIM);
    const n = blobs.n + 1;
    const itemIds: number[] = [];
    const sizes = new Map<number, number>();
    project.transaction(() => {
      for (let i = 0; i < n; i++) {
        const size = 1 + ((i * 37) % n) / 4;
        const id = project.items.save({
          path: `data/item_${String(i).padStart(3, '0')}.fits`, datasetId, size: 2880, mtimeMs: 0, contentHash: null, hdu: 0,
          shape: [32, 32], axisKinds: ['spatial', 'spatial'], bitpix: -32, status: 'ok', error: null,
          metadata: { ...emptyMetadata(), object: `src-${i % 4}`, instrument: i % 2 === 0 ? 'ALMA' : 'HST', telescope: i % 2 === 0 ? 'ALMA' : 'HST', bmaj: 0.1 * (i % 5) },
          header: { EXPTIME: size, NAXIS1: 32 }, issues: [],
        });
        itemIds.push(id);
        sizes.set(id, size);
      }
    });
    const vectors = new Float32Array(n * DIM);
    vectors.set(blobs.data);
    for (let t = 0; t < DIM; t++) vectors[blobs.n * DIM + t] = t % 2 === 0 ? 200 : -200; // far from every blob
    const blobRun = project.runs.create({ config: {}, backend: 'cpu', seed: 0 }).id;
    project.embeddings.putMany(blobRun, itemIds.map((itemId, i) => ({ itemId, vector: vectors.slice(i * DIM, (i + 1) * DIM) })));
    // A second run: one dominant direction proportional to size, plus small noise in the others.
    const sizeRun = project.runs.create({ config: {}, backend: 'cpu', seed: 0 }).id;
    project.embeddings.putMany(sizeRun, itemIds.map((itemId, i) => {
      const v = new Float32Array(DIM);
      for (let t = 0; t < DIM; t++) v[t] = 0.05 * Math.sin(13 * i + 7 * t);
      v[3] += 10 * sizes.get(itemId)!;
      v[5] -= 4 * sizes.get(itemId)!;
      return { itemId, vector: v };
    }));
    project.runs.setStatus(blobRun, 'done');
    project.runs.setStatus(sizeRun, 'done');
    return { file, blobRun, sizeRun, itemIds, labels: Int32Array.from([...blobs.labels, -1]), vectors, dim: DIM, outlierId: itemIds[n - 1], sizes };
  } finally {
    project.close();
  }
}
