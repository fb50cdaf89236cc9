// The service behind the desktop UI: one open project and every method of the table in contract/methods.ts.
// Both hosts mount it: the Electron shell (with native dialogs) and `astromorph serve` (without).
// Long calls take the caller's AbortSignal; progress goes out through the EventHub.
import { basename, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { ApiError } from '../contract/errors.ts';
import { clusterData, mapData, mapValues, outlierData, similarityResult } from './exploration/desktop-exploration.ts';
import { markItems, rankAnomalies } from './exploration/anomalies.ts';
import { runTable, runTableBytes, runTableCsv } from './sharing/table-export.ts';
import { exportFigure } from './sharing/figures.ts';
import type { FigureSettingsInput } from './sharing/figures.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embedItems, exportEmbeddings } from './training/embedding.ts';
import { evaluateRun } from './exploration/label-evaluation.ts';
import type { AnomalyView, EvaluationView } from '../contract/exploration.ts';
import { embeddingCoverage } from './exploration/embedding-run.ts';
import type { EventHub } from '../contract/events.ts';
import { readImageInfo, readImagePlane } from './project/image-planes.ts';
import { ItemCatalogue } from './project/item-catalogue.ts';
import { ProjectSession } from './project/project-session.ts';
import { compactProject } from './project/compact.ts';
import { tagItemIds } from './project/tags.ts';
import { applyGrouping, objectComposite, previewGrouping, refreshBandThumbnails, storedGrouping } from './project/bands.ts';
import { checkSettings, TrainingControl } from './training/training-control.ts';
import type { ApiService, CallContext, CsvExport, FileExport, LossCurve, MethodResult, ParsedArgs, SettingsCheck, TrainingState } from '../contract/methods.ts';
import type { DatasetItem } from '../../dataset/index.ts';
import { describeHolder } from '../../project/index.ts';
import { csvField, DEFAULT_NOISE_SIGMAS, recolourStored } from '../../export/index.ts';
import type { CompactReport, EmbedReport, ExportReport, MergeReport, ProjectStorageView, ScanReport, ShardProgress, TrainingStart } from '../contract/reports.ts';
import { latestShardJob, mergeShards, shardFiles, shardProgress } from './sharding/shards.ts';
import type {
  BandCompositeView, GroupingView,
  ClusterData, EmbeddingMapData, EmbeddingSetInfo, HostInfo, ImageInfo, ImagePlane, ItemPage, OutlierData, ProjectSummary,
  SimilarityResult, ThumbnailBytes,
} from '../contract/desktop.ts';

/** What the host adds: native dialogs in Electron, none in a browser. */
export interface HostDialogs {
  chooseFolder(): Promise<string | null>;
  chooseProjectFile(create: boolean): Promise<string | null>;
}

export interface DesktopServiceOptions {
  events: EventHub;
  host: HostInfo['kind'];
  dialogs?: HostDialogs;
}

interface OpenProject {
  session: ProjectSession;
  catalogue: ItemCatalogue;
  training: TrainingControl;
}

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

export class DesktopService implements ApiService {
  readonly #events: EventHub;
  readonly #host: HostInfo['kind'];
  readonly #dialogs: HostDialogs | undefined;
  #open: OpenProject | null = null;

  constructor(options: DesktopServiceOptions) {
    this.#events = options.events;
    this.#host = options.host;
    this.#dialogs = options.dialogs;
  }

  /** Opens a project file directly (the serve command and the shell's menu). */
  openPath(path: string): ProjectSummary {
    if (this.#open?.training.busy) throw new ApiError('run-busy', 'a training run is in progress; pause or cancel it before switching projects');
    const session = ProjectSession.open(path);
    this.#swap(session);
    return this.#summaryAndNotify();
  }

  createPath(path: string): ProjectSummary {
    if (this.#open?.training.busy) throw new ApiError('run-busy', 'a training run is in progress; pause or cancel it before switching projects');
    const session = ProjectSession.create(path);
    this.#swap(session);
    return this.#summaryAndNotify();
  }

  /** Stops training (keeping its checkpoint) and closes the project. */
  async close(): Promise<void> {
    const open = this.#open;
    this.#open = null;
    if (!open) return;
    await open.training.stop();
    open.session.close();
  }

  #swap(session: ProjectSession): void {
    this.#open?.session.close();
    this.#open = {
      session,
      catalogue: new ItemCatalogue(session.project),
      training: new TrainingControl(session, this.#events),
    };
  }

  #require(): OpenProject {
    if (!this.#open) throw new ApiError('no-project', 'no project is open; open or create one first');
    return this.#open;
  }

  #item(id: number): DatasetItem {
    const item = this.#require().session.project.items.get(id);
    if (!item) throw new ApiError('bad-argument', `no item ${id} in this project`);
    return item;
  }

  #summary(): ProjectSummary {
    const { session } = this.#require();
    const project = session.project;
    return {
      path: session.path,
      name: basename(session.path),
      counts: project.items.countByStatus(),
      folders: project.datasets.list().map((d) => (d.root.startsWith('..') ? d.absoluteRoot : d.root)),
      tags: project.tags.counts(),
      readOnlyBecause: session.lockedBy ? describeHolder(session.lockedBy) : null,
    };
  }

  #summaryAndNotify(): ProjectSummary {
    const summary = this.#summary();
    this.#events.emit('projectChanged', summary);
    return summary;
  }

  async hostInfo(): Promise<HostInfo> {
    return { kind: this.#host, version };
  }

  async project(): Promise<ProjectSummary | null> {
    return this.#open ? this.#summary() : null;
  }

  async openProject(args: ParsedArgs<'openProject'>): Promise<ProjectSummary> {
    return this.openPath(args.path);
  }

  async createProject(args: ParsedArgs<'createProject'>): Promise<ProjectSummary> {
    return this.createPath(args.path);
  }

  async projectStorage(): Promise<ProjectStorageView> {
    return this.#require().session.storage();
  }

  async compactProject(args: ParsedArgs<'compactProject'>): Promise<CompactReport> {
    const { session, training } = this.#require();
    session.assertWritable('compact the project');
    // The run training in this process is claimed by this same process, so compact could not tell it is live.
    if (training.busy) throw new ApiError('run-busy', 'a training run is in progress; let it finish, pause or cancel it before compacting');
    return compactProject(session.project, { dropResumable: args.dropResumable });
  }

  async chooseFolder(): Promise<string | null> {
    return this.#dialogs ? this.#dialogs.chooseFolder() : null;
  }

  async chooseProjectFile(args: ParsedArgs<'chooseProjectFile'>): Promise<string | null> {
    return this.#dialogs ? this.#dialogs.chooseProjectFile(args.create) : null;
  }

  async addFolders(args: ParsedArgs<'addFolders'>, ctx: CallContext): Promise<ScanReport> {
    const open = this.#require();
    try {
      const report = await open.session.addFolders(args.folders, { signal: ctx.signal, onProgress: (p) => this.#events.emit('scanProgress', p) });
      refreshBandThumbnails(open.session);
      this.#events.emit('scanDone', report);
      return report;
    } finally {
      open.catalogue.invalidate();
      this.#summaryAndNotify();
    }
  }

  async queryItems(args: ParsedArgs<'queryItems'>): Promise<ItemPage> {
    return this.#require().catalogue.query(args);
  }

  async thumbnails(args: ParsedArgs<'thumbnails'>): Promise<ThumbnailBytes[]> {
    const store = this.#require().session.project.thumbnails;
    return args.ids.map((id) => {
      const stored = store.get(id);
      if (!stored || !args.maskNoise) return { id, png: stored?.png ?? null };
      const masked = recolourStored(stored, 'gray', DEFAULT_NOISE_SIGMAS);
      return { id, png: masked.png, brightness: masked.brightness ?? 0 };
    });
  }

  async imageInfo(args: ParsedArgs<'imageInfo'>): Promise<ImageInfo> {
    return readImageInfo(this.#require().session.project, this.#item(args.id));
  }

  async imagePlane(args: ParsedArgs<'imagePlane'>): Promise<ImagePlane> {
    return readImagePlane(this.#require().session.project, this.#item(args.id), args.plane, args.maxSide);
  }

  async bandComposite(args: ParsedArgs<'bandComposite'>): Promise<BandCompositeView | null> {
    return objectComposite(this.#require().session, args.id, args.maxSide);
  }

  async groupItems(args: ParsedArgs<'groupItems'>): Promise<GroupingView | null> {
    const open = this.#require();
    if (args.rule === undefined) {
      const stored = storedGrouping(open.session);
      return stored && { ...stored, applied: true, thumbnails: 0 };
    }
    if (args.dryRun) return { ...previewGrouping(open.session, args.rule), applied: false, thumbnails: 0 };
    try {
      const { thumbnailFailures: _failures, ...report } = applyGrouping(open.session, args.rule);
      return report;
    } finally {
      // The objects' first bands now show RGB thumbnails, and training sees the objects.
      open.catalogue.invalidate();
      this.#summaryAndNotify();
    }
  }

  async tagItems(args: ParsedArgs<'tagItems'>): Promise<ProjectSummary> {
    const open = this.#require();
    tagItemIds(open.session, args.ids, args.tag, args.remove);
    open.catalogue.invalidate();
    return this.#summaryAndNotify();
  }

  /** The selection as CSV: with a run, the columns of `astromorph export` (file, metadata, map x/y, cluster, outlier score, tags, emb_0…). */
  async exportItems(args: ParsedArgs<'exportItems'>): Promise<CsvExport> {
    const project = this.#require().session.project;
    const name = basename(this.#require().session.path).replace(/\.amproj$/, '');
    if (args.runId !== undefined) {
      const table = runTable(project, args.runId, args.ids, args.method);
      return { filename: `${name}-selection-${table.items.length}.csv`, text: runTableCsv(table) };
    }
    const columns = ['id', 'path', 'hdu', 'status', 'object', 'ra', 'dec', 'restfrq', 'bunit', 'shape', 'tags'];
    const rows: string[] = [];
    for (const id of args.ids) {
      const item = project.items.get(id);
      if (!item) continue;
      const m = item.metadata;
      const cells = [item.id, item.path, item.hdu, item.status, m.object, m.ra, m.dec, m.restfrq, m.bunit,
        item.shape?.join('x') ?? null, project.tags.forItem(id).join(';')];
      rows.push(cells.map(csvField).join(','));
    }
    return { filename: `${name}-selection-${rows.length}.csv`, text: `${columns.join(',')}\n${rows.join('\n')}\n` };
  }

  async exportTable(args: ParsedArgs<'exportTable'>): Promise<FileExport> {
    const open = this.#require();
    const name = basename(open.session.path).replace(/\.amproj$/, '');
    const table = runTable(open.session.project, args.runId, args.ids, args.method);
    const stem = `${name}-run${table.runId}-${args.ids ? `selection-${table.items.length}` : 'embeddings'}`;
    if (args.format === 'csv') return { filename: `${stem}.csv`, mime: 'text/csv', bytes: new TextEncoder().encode(runTableCsv(table)) };
    if (args.format === 'fits') return { filename: `${stem}.fits`, mime: 'application/fits', bytes: runTableBytes(table, 'fits') };
    return { filename: `${stem}.vot`, mime: 'application/x-votable+xml', bytes: runTableBytes(table, 'votable') };
  }

  async exportFigure(args: ParsedArgs<'exportFigure'>): Promise<FileExport> {
    const open = this.#require();
    const dir = mkdtempSync(join(tmpdir(), 'astromorph-figure-'));
    try {
      const report = await exportFigure(open.session, args.kind, join(dir, 'figure'), args.settings as FigureSettingsInput);
      const bytes = new Uint8Array(readFileSync(report.path));
      const mime = report.format === 'pdf' ? 'application/pdf' : report.format === 'svg' ? 'image/svg+xml' : 'image/png';
      const name = basename(open.session.path).replace(/\.amproj$/, '');
      return { filename: `${name}-${args.kind}.${report.format}`, mime, bytes };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async mapValues(args: ParsedArgs<'mapValues'>): Promise<MethodResult<'mapValues'>> {
    return mapValues(this.#require().session, args.runId, args.key);
  }

  async anomalies(args: ParsedArgs<'anomalies'>, ctx: CallContext): Promise<AnomalyView> {
    return rankAnomalies(this.#require().session, args, { signal: ctx.signal });
  }

  async markItems(args: ParsedArgs<'markItems'>): Promise<ProjectSummary> {
    const open = this.#require();
    markItems(open.session, args.ids, args.mark);
    open.catalogue.invalidate();
    return this.#summaryAndNotify();
  }

  async checkSettings(args: ParsedArgs<'checkSettings'>): Promise<SettingsCheck> {
    return checkSettings(args.settings);
  }

  async trainingState(): Promise<TrainingState> {
    return this.#require().training.state();
  }

  async startTraining(args: ParsedArgs<'startTraining'>): Promise<TrainingStart> {
    const open = this.#require();
    open.session.assertWritable('train');
    if (args.resumeRunId !== undefined) {
      await open.training.pause(args.resumeRunId, false);
      const state = open.training.state();
      if (!state.active) throw new ApiError('no-run', `run ${args.resumeRunId} stopped right after resuming`);
      const run = state.runs.find((r) => r.id === args.resumeRunId)!;
      const project = open.session.project;
      const skipped = (project.runs.get(run.id)?.skipped ?? []).map((s) => ({ path: resolve(project.folder, s.path), reason: s.reason }));
      return { runId: run.id, resumed: true, backend: run.backend, items: 0, epochs: run.epochs, fromEpoch: run.epochsDone, fromStep: run.stepsDone, skipped };
    }
    return open.training.start(args.settings);
  }

  async pauseTraining(args: ParsedArgs<'pauseTraining'>): Promise<{ paused: boolean }> {
    return this.#require().training.pause(args.runId, args.paused);
  }

  async cancelTraining(args: ParsedArgs<'cancelTraining'>): Promise<{ cancelled: boolean }> {
    return this.#require().training.cancel(args.runId);
  }

  async lossCurve(args: ParsedArgs<'lossCurve'>): Promise<LossCurve> {
    const points = this.#require().session.project.losses.list(args.runId);
    return {
      runId: args.runId,
      epochs: points.map((p) => p.epoch),
      steps: points.map((p) => p.step),
      losses: points.map((p) => (Number.isFinite(p.loss) ? p.loss : null) as number),
      imagesPerS: points.map((p) => p.imagesPerS),
    };
  }

  async embed(args: ParsedArgs<'embed'>, ctx: CallContext): Promise<EmbedReport> {
    const open = this.#require();
    if (open.training.busy) throw new ApiError('run-busy', 'a training run is in progress; embed once it has finished or been paused');
    const report = await embedItems(open.session, {
      runId: args.runId, signal: ctx.signal,
      onProgress: (p) => this.#events.emit('embedProgress', { runId: args.runId, ...p }),
    });
    this.#events.emit('embedDone', report);
    return report;
  }

  async embeddingSets(): Promise<EmbeddingSetInfo[]> {
    const project = this.#require().session.project;
    return project.runs.list().flatMap((run) => {
      const items = project.embeddings.count(run.id);
      if (items === 0) return [];
      const first = project.embeddings.all(run.id);
      return [{ runId: run.id, items, dim: first.dim, createdAt: run.createdAt, coverage: embeddingCoverage(project, run.id) }];
    });
  }

  async exportEmbeddings(args: ParsedArgs<'exportEmbeddings'>, ctx: CallContext): Promise<ExportReport> {
    return exportEmbeddings(this.#require().session, { format: 'csv', out: args.path, runId: args.runId, signal: ctx.signal });
  }

  // Maps, clusters, outlier scores and similar items come from the stored services the CLI uses.
  async computeMap(args: ParsedArgs<'computeMap'>, ctx: CallContext): Promise<EmbeddingMapData> {
    return mapData(this.#require().session, args, ctx.signal, (p) => this.#events.emit('mapProgress', p));
  }

  async clusters(args: ParsedArgs<'clusters'>, ctx: CallContext): Promise<ClusterData> {
    return clusterData(this.#require().session, args, ctx.signal);
  }

  async outliers(args: ParsedArgs<'outliers'>, ctx: CallContext): Promise<OutlierData> {
    return outlierData(this.#require().session, args.runId, ctx.signal);
  }

  async similar(args: ParsedArgs<'similar'>, ctx: CallContext): Promise<SimilarityResult> {
    return similarityResult(this.#require().session, args.runId, args.id, args.k, ctx.signal);
  }

  async evaluateRun(args: ParsedArgs<'evaluateRun'>, ctx: CallContext): Promise<EvaluationView> {
    // CSV text from a page has no folder of its own: its paths are matched against the project's.
    const labelsFrom = 'csv' in args.labelsFrom ? { csv: args.labelsFrom.csv, name: 'the labels CSV' } : args.labelsFrom;
    return evaluateRun(this.#require().session, { runId: args.runId, labelsFrom, k: args.k, folds: args.folds }, { signal: ctx.signal });
  }

  async shardJob(): Promise<ShardProgress | null> {
    const path = this.#require().session.path;
    const job = latestShardJob(path);
    return job && shardProgress(path, job.kind, job.count, job.runId);
  }

  async mergeShardJob(): Promise<MergeReport> {
    const open = this.#require();
    if (open.training.busy) throw new ApiError('run-busy', 'a training run is in progress; merge once it has finished or been paused');
    const job = latestShardJob(open.session.path);
    if (!job) throw new ApiError('no-data', `no sharded job has written shard files beside ${basename(open.session.path)}`);
    const report = mergeShards(open.session, shardFiles(open.session.path, job.kind, job.count, job.runId));
    return report;
  }
}


export type { MethodResult };
