// The HNSW kNN graph's query work for a block of items, shared by the calling thread and workers.
import { HnswIndex } from './hnsw.ts';
import type { HnswState } from './hnsw.ts';

export interface HnswGraphTask {
  readonly state: HnswState;
  readonly k: number;
  readonly ef: number;
  readonly from: number;
  readonly to: number;
  /** n*k outputs in shared memory. */
  readonly indices: Int32Array;
  readonly distances: Float32Array;
}

export function hnswGraphRows(task: HnswGraphTask, onRows?: (done: number) => void): void {
  const { state, k, ef, from, to, indices, distances } = task;
  const index = HnswIndex.fromState(state);
  let reported = from;
  for (let i = from; i < to; i++) {
    const nb = index.query(index.row(i), k, ef, i);
    indices.set(nb.indices, i * k);
    distances.set(nb.distances, i * k);
    // A query comes back short only on a tiny graph; repeat the last neighbour found.
    for (let j = nb.indices.length; j < k; j++) {
      indices[i * k + j] = j > 0 ? indices[i * k + j - 1] : i;
      distances[i * k + j] = j > 0 ? distances[i * k + j - 1] : 0;
    }
    if (onRows && (i + 1 - reported >= 256 || i + 1 === to)) {
      onRows(i + 1 - reported);
      reported = i + 1;
    }
  }
}
