// The method table: every call the UI makes, by name, with the zod schema its arguments must pass
// at the boundary and the type it resolves to. Both transports (Electron IPC, HTTP) and the renderer's
// client are typed from this one table. zod is Node-free, so the renderer can `import type` it.
import { z } from 'zod';
import type { CompactReport, EmbedReport, ExportReport, MergeReport, ProjectStorageView, RunSummary, ScanReport, ShardProgress, TrainingStart } from './reports.ts';
import type {
  BandCompositeView, ClusterData, EmbeddingMapData, EmbeddingSetInfo, GroupingView, HostInfo, ImageInfo, ImagePlane, ItemPage, MapValues, OutlierData,
  ProjectSummary, SimilarityResult, ThumbnailBytes,
} from './desktop.ts';
import { SORT_KEYS } from './desktop.ts';
import type { AnomalyView, EvaluationView } from './exploration.ts';

/** A method: its argument schema, and its result type carried as a phantom. */
interface Method<A extends z.ZodType, R> {
  args: A;
  result?: R;
}
const method = <R>() => <A extends z.ZodType>(args: A): Method<A, R> => ({ args });

const id = z.int().min(1).max(2 ** 31);
const runId = z.strictObject({ runId: id });
const path = z.string().min(1).max(4096);
const tag = z.string().trim().min(1).max(200);
const status = z.enum(['ok', 'failed', 'missing']);

export interface LossCurve {
  runId: number;
  epochs: number[];
  steps: number[];
  losses: number[];
  imagesPerS: (number | null)[];
}

export interface SettingsCheck {
  ok: boolean;
  /** One line per problem, worded as for a settings file ('batch_size: Too small...'). */
  errors: string[];
  /** The settings with defaults filled in, when ok. */
  settings: Record<string, unknown> | null;
}

export interface TrainingState {
  /** The run in progress in this session, if any. */
  active: { runId: number; paused: boolean } | null;
  runs: RunSummary[];
}

export interface CsvExport {
  filename: string;
  text: string;
}

/** A file made for the page to download: a table (CSV, FITS, VOTable) or a figure (PDF, SVG, PNG). */
export interface FileExport {
  filename: string;
  mime: string;
  bytes: Uint8Array;
}

export const FIGURE_KINDS_UI = ['map', 'gallery', 'loss', 'sheet'] as const;

export const METHODS = {
  hostInfo: method<HostInfo>()(z.strictObject({})),
  /** The open project, or null. */
  project: method<ProjectSummary | null>()(z.strictObject({})),
  openProject: method<ProjectSummary>()(z.strictObject({ path })),
  createProject: method<ProjectSummary>()(z.strictObject({ path })),
  /** Native dialogs; null in the browser host or when the person cancels. */
  chooseFolder: method<string | null>()(z.strictObject({})),
  chooseProjectFile: method<string | null>()(z.strictObject({ create: z.boolean() })),
  addFolders: method<ScanReport>()(z.strictObject({ folders: z.array(path).min(1).max(100) })),
  /** The project file's size and what takes it. */
  projectStorage: method<ProjectStorageView>()(z.strictObject({})),
  /** Finished runs keep only their encoder (resumable ones too when dropResumable), then VACUUM. */
  compactProject: method<CompactReport>()(z.strictObject({ dropResumable: z.boolean().default(false) })),

  queryItems: method<ItemPage>()(z.strictObject({
    status: z.array(status).max(3).optional(),
    tag: tag.optional(),
    search: z.string().max(500).optional(),
    sort: z.enum(SORT_KEYS).default('path'),
    descending: z.boolean().default(false),
    offset: z.int().min(0).default(0),
    limit: z.int().min(1).max(5000).default(500),
  })),
  /** maskNoise: the noise made transparent (the paper's Figure 2), with each thumbnail's brightness. */
  thumbnails: method<ThumbnailBytes[]>()(z.strictObject({ ids: z.array(id).max(500), maskNoise: z.boolean().default(false) })),
  /**
   * Multi-band objects: without a rule, the stored grouping (null: none); with one ('object', 'stem',
   * 'csv:FILE' or 'none'), the grouping it gives, stored unless dryRun.
   */
  /** The RGB composite of the multi-band object an item is a band of; null when it is in none. */
  bandComposite: method<BandCompositeView | null>()(z.strictObject({ id, maxSide: z.int().min(16).max(4096).default(512) })),
  groupItems: method<GroupingView | null>()(z.strictObject({ rule: z.string().trim().min(1).max(4200).optional(), dryRun: z.boolean().default(false) })),
  imageInfo: method<ImageInfo>()(z.strictObject({ id })),
  imagePlane: method<ImagePlane>()(z.strictObject({ id, plane: z.int().min(0).default(0), maxSide: z.int().min(16).max(8192).default(1024) })),

  tagItems: method<ProjectSummary>()(z.strictObject({ ids: z.array(id).min(1).max(200_000), tag, remove: z.boolean().default(false) })),
  /** With a run: the columns of `astromorph export` (the coordinates of the run's latest `method` map, or its latest map). */
  exportItems: method<CsvExport>()(z.strictObject({ ids: z.array(id).min(1).max(200_000), runId: id.optional(), method: z.enum(['pca', 'tsne', 'umap']).optional() })),

  checkSettings: method<SettingsCheck>()(z.strictObject({ settings: z.record(z.string(), z.unknown()) })),
  trainingState: method<TrainingState>()(z.strictObject({})),
  startTraining: method<TrainingStart>()(z.strictObject({ settings: z.record(z.string(), z.unknown()), resumeRunId: id.optional() })),
  pauseTraining: method<{ paused: boolean }>()(z.strictObject({ runId: id, paused: z.boolean() })),
  cancelTraining: method<{ cancelled: boolean }>()(runId),
  lossCurve: method<LossCurve>()(runId),

  embed: method<EmbedReport>()(runId),
  embeddingSets: method<EmbeddingSetInfo[]>()(z.strictObject({})),
  exportEmbeddings: method<ExportReport>()(z.strictObject({ runId: id, path })),
  computeMap: method<EmbeddingMapData>()(z.strictObject({
    runId: id, method: z.enum(['pca', 'tsne', 'umap']),
    perplexity: z.number().gt(1).max(10_000).optional(),
    neighbors: z.int().min(2).max(10_000).optional(),
    minDist: z.number().min(0).max(10).optional(),
  })),
  clusters: method<ClusterData>()(z.union([
    z.strictObject({ runId: id, method: z.literal('kmeans').default('kmeans'), k: z.int().min(2).max(100).default(8) }),
    z.strictObject({ runId: id, method: z.literal('density'), minClusterSize: z.int().min(2).max(100_000).default(5) }),
  ])),
  outliers: method<OutlierData>()(runId),
  /** A numeric header value per item of the run, to colour the map by (no key: only the keys offered). */
  mapValues: method<MapValues>()(z.strictObject({ runId: id, key: z.string().min(1).max(80).optional() })),
  /** The run's items ranked by outlier score, blended with relevance feedback (interesting / not-interesting tags). */
  anomalies: method<AnomalyView>()(z.strictObject({
    runId: id, feedback: z.boolean().default(true), offset: z.int().min(0).default(0), limit: z.int().min(1).max(5000).default(50),
  })),
  /** Marks items interesting or not for the anomaly ranking (null clears the mark); stored as tags. */
  markItems: method<ProjectSummary>()(z.strictObject({ ids: z.array(id).min(1).max(200_000), mark: z.enum(['interesting', 'not-interesting']).nullable() })),
  /** A run's table (every item, or `ids` in that order) as CSV, FITS or VOTable: the columns of `astromorph export`. */
  exportTable: method<FileExport>()(z.strictObject({
    runId: id, format: z.enum(['csv', 'fits', 'votable']), ids: z.array(id).min(1).max(200_000).optional(),
    method: z.enum(['pca', 'tsne', 'umap']).optional(),
  })),
  /** A figure as `astromorph figure KIND` makes it, with the same settings (stored per kind in the project). */
  exportFigure: method<FileExport>()(z.strictObject({
    kind: z.enum(FIGURE_KINDS_UI), settings: z.record(z.string(), z.unknown()).default({}),
  })),
  similar: method<SimilarityResult>()(z.strictObject({ runId: id, id, k: z.int().min(1).max(500).default(24) })),
  /** How well a run separates labels: from item tags (those with tagPrefix, or each item's only tag) or a CSV's text (file,label). */
  evaluateRun: method<EvaluationView>()(z.strictObject({
    runId: id.optional(),
    labelsFrom: z.union([
      z.strictObject({ tagPrefix: z.string().max(200).optional() }),
      z.strictObject({ csv: z.string().min(1).max(64 * 2 ** 20) }),
    ]),
    k: z.int().min(1).max(100).default(10),
    folds: z.int().min(2).max(20).default(5),
  })),
  /** The latest sharded job beside the project (astromorph slurm, --shard I/N): each shard's state from its file; null when none. */
  shardJob: method<ShardProgress | null>()(z.strictObject({})),
  /** Merges that job's complete shards into the project (all of them: it is then complete). */
  mergeShardJob: method<MergeReport>()(z.strictObject({})),
};

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
/** What a caller passes (defaults may be left out). */
export type MethodArgs<M extends MethodName> = z.input<Methods[M]['args']>;
/** What the service receives (defaults filled in). */
export type ParsedArgs<M extends MethodName> = z.output<Methods[M]['args']>;
export type MethodResult<M extends MethodName> = Exclude<Methods[M]['result'], undefined>;

export interface CallContext {
  signal: AbortSignal;
}

/** What a host implements: one async function per method. */
export type ApiService = { [M in MethodName]: (args: ParsedArgs<M>, ctx: CallContext) => Promise<MethodResult<M>> };

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}
