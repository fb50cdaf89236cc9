// The project file (.amproj): open/create/close and its typed stores.
export { Project, PROJECT_EXTENSION, SCHEMA_VERSION } from './project.ts';
export { ProjectError } from './errors.ts';
export type { ProjectErrorCode } from './errors.ts';
export { MIGRATIONS, migrate } from './schema.ts';
export type { Migration } from './schema.ts';
export type { Settings } from './settings.ts';
export type { DataFolder, DatasetStore } from './dataset-store.ts';
export type { ItemStore } from './item-store.ts';
export type { ThumbnailStore } from './thumbnail-store.ts';
export type { EmbeddingRun, RunStatus, RunStore } from './run-store.ts';
export type { Checkpoint, CheckpointInfo, CheckpointStore, NewCheckpoint } from './checkpoint-store.ts';
export type { LossPoint, LossStore } from './loss-store.ts';
export type { EmbeddingSet, EmbeddingStore } from './embedding-store.ts';
export type { TagStore } from './tag-store.ts';
