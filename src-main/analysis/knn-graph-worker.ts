// Worker thread for the exact all-points kNN graph: scans one block of query rows against all rows
// in shared memory and writes its rows of the result arrays in place.
import { parentPort, workerData } from 'node:worker_threads';
import { graphRows } from './knn-graph-rows.ts';
import type { GraphRowsTask } from './knn-graph-rows.ts';

const task = workerData as GraphRowsTask;
graphRows(task, (done) => parentPort!.postMessage({ done }));
parentPort!.postMessage({ finished: true });
