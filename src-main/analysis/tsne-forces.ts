// The t-SNE gradient's two sums for every item: attraction over the sparse affinities and
// Barnes–Hut repulsion. Large maps split the items across worker threads that share the map and the
// affinities in shared memory; each thread builds its own quadtree (cheap next to the traversal),
// so per-item results, and hence the whole map, are identical whatever the number of threads.
import { Worker } from 'node:worker_threads';
import { BarnesHutTree } from './barnes-hut-tree.ts';
import { AnalysisError } from './errors.ts';

/** Sparse symmetric affinities P in compressed rows, in shared memory. */
export interface Affinities {
  readonly rowStart: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float64Array;
}

export interface ForceBuffers {
  readonly n: number;
  readonly theta2: number;
  readonly P: Affinities;
  /** n x 2 map, row-major. */
  readonly y: Float64Array;
  /** Outputs: sum_j p_ij q_ij Z (y_i - y_j); sum_j q_ij^2 Z^2 (y_i - y_j); sum_j q_ij Z. */
  readonly attract: Float64Array;
  readonly repel: Float64Array;
  readonly qsum: Float64Array;
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, length) * 8));
}

/** Fills the outputs for items [from, to). */
export function forcesFor(b: ForceBuffers, tree: BarnesHutTree, from: number, to: number): void {
  const { y, attract, repel, qsum, theta2 } = b;
  const { rowStart, cols, vals } = b.P;
  tree.build(y, b.n);
  for (let i = from; i < to; i++) {
    repel[2 * i] = 0;
    repel[2 * i + 1] = 0;
    qsum[i] = tree.repulsion(i, theta2, repel);
    const yi = y[2 * i];
    const yj = y[2 * i + 1];
    let fx = 0;
    let fy = 0;
    for (let p = rowStart[i], end = rowStart[i + 1]; p < end; p++) {
      const j = cols[p];
      const dx = yi - y[2 * j];
      const dy = yj - y[2 * j + 1];
      const f = vals[p] / (1 + dx * dx + dy * dy);
      fx += f * dx;
      fy += f * dy;
    }
    attract[2 * i] = fx;
    attract[2 * i + 1] = fy;
  }
}

// Atomics.waitAsync is in Node since 16 but only in TypeScript's ES2024 lib; the project targets ES2023.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** Computes the forces for the current map, in this thread or on a pool of workers. */
export interface ForceField {
  compute(): Promise<void>;
  close(): void;
}

export function inThreadForces(b: ForceBuffers): ForceField {
  const tree = new BarnesHutTree();
  return {
    compute: async () => forcesFor(b, tree, 0, b.n),
    close: () => {},
  };
}

/**
 * Workers wait on control[0] (a generation counter; -1 means stop), each computes its block and
 * increments control[1]; the caller waits asynchronously until all have reported.
 */
export function workerForces(b: ForceBuffers, threads: number): ForceField {
  const control = new Int32Array(new SharedArrayBuffer(8));
  const workers: Worker[] = [];
  let failure: Error | null = null;
  for (let t = 0; t < threads; t++) {
    const w = new Worker(new URL('./tsne-forces-worker.ts', import.meta.url), {
      workerData: { buffers: b, control, from: Math.floor((t * b.n) / threads), to: Math.floor(((t + 1) * b.n) / threads) },
    });
    w.on('error', (err) => {
      failure = new AnalysisError('worker-failed', 'tsne', err.message);
      Atomics.store(control, 1, -1);
      Atomics.notify(control, 1);
    });
    workers.push(w);
  }
  return {
    async compute() {
      Atomics.store(control, 1, 0);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
      for (;;) {
        const done = Atomics.load(control, 1);
        if (failure) throw failure;
        if (done >= threads) return;
        const wait = waitAsync(control, 1, done);
        if (wait.async) await wait.value;
      }
    },
    close() {
      Atomics.store(control, 0, -1);
      Atomics.notify(control, 0);
      for (const w of workers) void w.terminate();
    },
  };
}
