// Worker-thread entry: runs one posted AnalysisJob, posting progress, then the result or the error
// (the job protocol of base/worker-job.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { postedError, type JobMessage } from '../base/worker-job.ts';
import { runAnalysisJob } from './analysis-job.ts';
import type { AnalysisJob } from './analysis-job.ts';
import type { Progress } from './embeddings.ts';

const port = parentPort!;
const post = (m: JobMessage<Progress, unknown>) => port.postMessage(m);
const job = workerData as AnalysisJob;
try {
  const result = await runAnalysisJob(job, (event: Progress) => post({ type: 'event', event }));
  post({ type: 'done', result });
} catch (err) {
  post({ type: 'error', error: postedError(err) });
}
