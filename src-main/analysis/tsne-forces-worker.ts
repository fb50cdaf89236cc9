// Worker thread for t-SNE forces: each generation, the forces for its block of items.
import { workerData } from 'node:worker_threads';
import { BarnesHutTree } from './barnes-hut-tree.ts';
import { forcesFor } from './tsne-forces.ts';
import type { ForceBuffers } from './tsne-forces.ts';

const { buffers, control, from, to } = workerData as { buffers: ForceBuffers; control: Int32Array; from: number; to: number };
const tree = new BarnesHutTree();
let generation = 0;
for (;;) {
  Atomics.wait(control, 0, generation);
  generation = Atomics.load(control, 0);
  if (generation < 0) break;
  forcesFor(buffers, tree, from, to);
  Atomics.add(control, 1, 1);
  Atomics.notify(control, 1);
}
