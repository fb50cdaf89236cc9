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
// The desktop UI's API (method table, service, dispatch, HTTP transport).
export type * from './desktop-contract.ts';
export type * from './methods.ts';
export type { ApiEvents, EventName } from './events.ts';
export { EventHub, EVENT_NAMES } from './events.ts';
export { METHODS, METHOD_NAMES, isMethodName } from './methods.ts';
export { createDispatch, toFailure } from './dispatch.ts';
export type { ApiFailure, Dispatch } from './dispatch.ts';
export { DesktopService } from './desktop-service.ts';
export type { DesktopServiceOptions, HostDialogs } from './desktop-service.ts';
export { startHttpServer, TOKEN_HEADER, MAX_BODY_BYTES } from './http-server.ts';
export type { HttpServerOptions, RunningHttpServer } from './http-server.ts';
// Exploring embeddings: maps, similarity, clusters, outliers and tags, stored in the project.
export type * from './exploration-contract.ts';
export { computeMap, getMap, listMaps, mapParams, pcaAxis, MAP_METHODS } from './maps.ts';
export type { ComputeOptions } from './maps.ts';
export { similar, candidateRows } from './similarity.ts';
export type { SimilarOptions } from './similarity.ts';
export { computeClusters, latestClusters, clusterParams } from './clusters.ts';
export { computeOutliers } from './outliers.ts';
export { addTags, removeTags, itemTags, listTags, taggedItems } from './tags.ts';
export { embeddingRun } from './embedding-run.ts';
export { findItem, requireItem } from './item-ref.ts';
export { openForWriting, relocateData, importEmbeddings, exportModel, importModel } from './sharing.ts';
export type { ImportReport } from './sharing.ts';
export { exportFigure, buildFigure, figureSettings, figureSettingsSchema, FIGURE_KINDS } from './figures.ts';
export type { FigureKind, FigureReport, FigureSettings, FigureSettingsInput } from './figures.ts';
