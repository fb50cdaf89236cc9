// The API the CLI uses today and the desktop shell will use: services over fits, dataset and project.
export type * from './contract.ts';
export { ApiError } from './errors.ts';
export type { ApiErrorCode } from './errors.ts';
export { inspectFile, pixelStats } from './inspect.ts';
export { ProjectSession } from './project-session.ts';
export type { AddOptions } from './project-session.ts';
export { PROJECT_EXTENSION, existingProjectPath, newProjectPath } from './project-path.ts';
export { train, listRuns, runSummary, trainingSource, CHECKPOINTS_KEPT } from './training.ts';
export type { TrainOptions } from './training.ts';
export { embedItems, exportEmbeddings } from './embedding.ts';
export type { EmbedOptions, ExportOptions } from './embedding.ts';
