// Worker-thread entry: runs one posted AnalysisJob, posting progress, then the result or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { runAnalysisJob } from './analysis-job.ts';
import type { AnalysisJob } from './analysis-job.ts';
import type { Progress } from './embeddings.ts';
import type { AnalysisError } from './errors.ts';

const port = parentPort!;
const job = workerData as AnalysisJob;
try {
  const result = await runAnalysisJob(job, (progress: Progress) => port.postMessage({ progress }));
  port.postMessage({ result });
} catch (err) {
  const e = err as Error & Partial<AnalysisError>;
  port.postMessage({ error: { name: e.name, message: e.message, code: e.code, where: e.where, problem: e.problem } });
}
