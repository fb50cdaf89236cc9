// Worker thread for the all-points kNN graph: works through one block of items, exactly or through
// a shared HNSW index, and writes its rows of the shared result arrays in place.
import { parentPort, workerData } from 'node:worker_threads';
import { graphRows } from './knn-graph-rows.ts';
import type { GraphRowsTask } from './knn-graph-rows.ts';
import { hnswGraphRows } from './hnsw-graph-rows.ts';
import type { HnswGraphTask } from './hnsw-graph-rows.ts';

const task = workerData as ({ kind: 'exact' } & GraphRowsTask) | ({ kind: 'hnsw' } & HnswGraphTask);
const report = (done: number) => parentPort!.postMessage({ done });
if (task.kind === 'exact') graphRows(task, report);
else hnswGraphRows(task, report);
parentPort!.postMessage({ finished: true });
