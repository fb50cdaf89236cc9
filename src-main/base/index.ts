// Plain pieces every folder may use: no I/O, no Node, nothing imported (eslint.config.js holds it to that).
export { spreadOf, type Spread } from './effective-rank.ts';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen.ts';
export { symmetricEigenvalues } from './symmetric-eigenvalues.ts';
export { Rng, type RngState } from './random.ts';
export { deriveSeed, nameSeed } from './derive-seed.ts';
export { issueLines, issuePath, type SchemaIssue } from './issues.ts';
export { integerIn, positiveInteger } from './numbers.ts';
export { postedError, runWorkerJob, type JobMessage, type JobWorker, type PostedError, type WorkerJobOptions } from './worker-job.ts';
export { WorkerPool, type PoolMessage, type PoolWorker, type WorkerPoolOptions } from './worker-pool.ts';
