// Embeddings of a project's items with a trained run, and their export. Embedding streams the items
// through the run's latest checkpoint batch by batch and stores the vectors in batched transactions,
// so memory holds one batch however large the survey; export streams rows from the project to a file.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EmbeddingRun, Project } from '../../../project/index.ts';
import { dataFileOrReason, ProjectError } from '../../../project/index.ts';
import { visibleText } from '../../../dataset/index.ts';
import type { DatasetItem } from '../../../dataset/index.ts';
import { writeEmbeddingsCsv, type EmbeddedItem } from '../../../export/index.ts';
import { ApiError } from '../../contract/errors.ts';
import { storedSettings } from './stored-settings.ts';
import { preprocessFor } from '../../../model/settings.ts';
import { bandSource } from './band-source.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { EmbedProgress, EmbedReport, EmbedSkip, ExportFormat, ExportReport } from '../../contract/reports.ts';

/** What embedding keeps of an item while its file is read. */
interface EmbeddedFile {
  id: number;
  absolutePath: string;
  hdu: number;
}

/** Vectors written per transaction: few enough to keep memory flat, many enough that commits are cheap. */
const WRITE_BATCH = 256;
/** Items read per query while exporting. */
const EXPORT_PAGE = 1000;

export interface EmbedOptions {
  /** The run whose latest checkpoint embeds; default: the latest finished run, else the latest with a checkpoint. */
  runId?: number;
  batchSize?: number;
  /** Overrides the run's backend. */
  backend?: string;
  signal?: AbortSignal;
  onStart?: (start: { runId: number; checkpointId: number; backend: string; total: number }) => void;
  onProgress?: (progress: EmbedProgress) => void;
  onWarning?: (message: string) => void;
}

export function runWithCheckpoint(project: Project, runId: number | undefined): EmbeddingRun {
  if (runId !== undefined) {
    const run = project.runs.get(runId);
    if (!run) throw new ApiError('no-run', `${project.path} has no run ${runId}`);
    if (!project.checkpoints.latest(runId)) throw new ApiError('no-run', `run ${runId} has no checkpoint yet: it stopped before its first epoch ended`);
    return run;
  }
  const withCheckpoint = project.runs.list().filter((r) => project.checkpoints.list(r.id).length > 0);
  const run = withCheckpoint.filter((r) => r.status === 'done').at(-1) ?? withCheckpoint.at(-1);
  if (!run) throw new ApiError('no-run', `${project.path} has no trained model yet; run astromorph train first`);
  return run;
}

/**
 * Embeds every ok item with a run's latest checkpoint. The new vectors are written beside the run's
 * current ones and replace them in one transaction at the end, so a kill or a crash part way leaves
 * the previous set whole. An item whose file cannot be read is reported and keeps its previous vector,
 * marked stale (none if it had none); the others go on. Aborting stops between batches: a run that
 * had vectors keeps them unchanged, a run that had none keeps the ones written so far (`cancelled`).
 */
export async function embedItems(session: ProjectSession, opts: EmbedOptions = {}): Promise<EmbedReport> {
  session.assertWritable('store embeddings');
  const project = session.project;
  const started = performance.now();
  const run = runWithCheckpoint(project, opts.runId);
  const checkpoint = project.checkpoints.latest(run.id)!;
  // The run's stored settings say how its images are prepared; the checkpoint's stored architecture, what network embeds them.
  const settings = storedSettings(run);
  const skipped: (EmbedSkip & { itemId: number | null })[] = [];
  const damaged = (d: { id: number | null; path: string | null; problem: string }) => {
    skipped.push({ itemId: d.id, path: d.path === null ? `item ${d.id ?? '?'}` : resolve(project.folder, d.path), reason: d.problem, keptStale: false });
  };
  // Ids and paths first, then each row whole and dropped once its file is known: a survey's million
  // parsed rows at once would take gigabytes (993 MiB peak at 1e5 items before).
  const ids = project.items.embeddable(damaged);
  // A file behind a link out of every trusted folder is one unreadable item; an untrusted data folder
  // still refuses the whole embedding (dataFilePath), with the advice to relocate or add it.
  const files: { item: EmbeddedFile; path: string }[] = [];
  let total = 0;
  for (const { id, path } of ids) {
    let item: DatasetItem | undefined;
    try {
      item = project.items.get(id);
    } catch (e) {
      if (!(e instanceof ProjectError)) throw e;
      damaged({ id, path, problem: e.message });
      continue;
    }
    if (!item || item.status !== 'ok' || item.hdu === null) continue;
    total++;
    const file = dataFileOrReason(project, item);
    if ('path' in file) files.push({ item: { id: item.id, absolutePath: item.absolutePath, hdu: item.hdu }, path: file.path });
    else skipped.push({ itemId: item.id, path: item.absolutePath, reason: file.reason, keptStale: false });
  }
  // Multi-band objects: one sample per object, its embedding stored on the item of its first band.
  const bandInput = bandSource(project, settings, preprocessFor(settings));
  if (bandInput) {
    files.length = 0;
    skipped.length = 0;
    for (const s of bandInput.skipped) skipped.push({ itemId: null, path: resolve(project.folder, s.path), reason: s.reason, keptStale: false });
    for (const lead of bandInput.leads) files.push({ item: { id: lead.id, absolutePath: lead.absolutePath, hdu: lead.hdu ?? 0 }, path: lead.absolutePath });
    total = files.length;
  }
  const source = bandInput?.spec ?? { kind: 'files' as const, items: files.map((f) => ({ path: f.path, hdu: f.item.hdu! })), preprocess: preprocessFor(settings) };
  if (total === 0) throw new ApiError('no-data', `${project.path} has no readable items to embed`);
  const hadVectors = project.embeddings.count(run.id) > 0;
  project.embeddings.beginReplacement(run.id);
  let buffer: { itemId: number; vector: Float32Array }[] = [];
  let written = 0;
  let dim = 0;
  const flush = () => {
    if (buffer.length === 0) return;
    project.embeddings.stageReplacement(run.id, buffer);
    written += buffer.length;
    buffer = [];
  };
  let cancelled = false;
  let backend = opts.backend ?? run.backend;
  try {
    // On a worker thread (tfjs loads there, not here): this thread only stores what comes back.
    const { embedInWorker } = await import('../../../model/embed-in-worker.ts');
    await embedInWorker({
      weights: checkpoint.weights,
      settings,
      source,
      batchSize: opts.batchSize,
      backend,
    }, {
      signal: opts.signal,
      onStart: (chosen) => {
        backend = chosen;
        opts.onStart?.({ runId: run.id, checkpointId: checkpoint.id, backend, total });
      },
      onWarning: opts.onWarning,
      onProgress: (done, total) => opts.onProgress?.({ done, total }),
      onUnreadable: (index, error) => {
        const item = files[index]!.item;
        skipped.push({ itemId: item.id, path: item.absolutePath, reason: visibleText(error.message), keptStale: false });
      },
      onBatch: (embeddings) => {
        for (const e of embeddings) {
          dim = e.vector.length;
          buffer.push({ itemId: files[e.index]!.item.id, vector: e.vector });
          if (buffer.length >= WRITE_BATCH) flush();
        }
      },
    });
  } catch (e) {
    if (!opts.signal?.aborted) {
      project.embeddings.discardReplacement(run.id);
      throw e;
    }
    cancelled = true;
  }
  flush();
  let stale = 0;
  if (cancelled && hadVectors) {
    // Half a new set in place of a whole old one would be worse than either: keep the old one.
    project.embeddings.discardReplacement(run.id);
    written = 0;
  } else {
    stale = project.embeddings.commitReplacement(run.id, skipped.flatMap((s) => (s.itemId === null ? [] : [s.itemId]))).stale;
    const kept = new Set(project.embeddings.staleItems(run.id));
    for (const s of skipped) s.keptStale = s.itemId !== null && kept.has(s.itemId);
  }
  return {
    runId: run.id, checkpointId: checkpoint.id, backend, items: written, total, dim, cancelled,
    replaced: !(cancelled && hadVectors), stale,
    skipped: skipped.map(({ path, reason, keptStale }) => ({ path, reason, keptStale })),
    seconds: (performance.now() - started) / 1000,
  };
}

export interface ExportOptions {
  format: ExportFormat;
  /** Output file; written beside it first and renamed, so a failed export never leaves half a file. */
  out: string;
  /** Default: the latest run with embeddings. */
  runId?: number;
  signal?: AbortSignal;
}

/** Writes a run's embeddings with each item's path and header metadata. */
export async function exportEmbeddings(session: ProjectSession, opts: ExportOptions): Promise<ExportReport> {
  const project = session.project;
  const started = performance.now();
  let runId = opts.runId;
  if (runId !== undefined) {
    if (!project.runs.get(runId)) throw new ApiError('no-run', `${project.path} has no run ${runId}`);
    if (project.embeddings.count(runId) === 0) throw new ApiError('no-run', `run ${runId} has no embeddings yet; run astromorph embed ${project.path} --run ${runId}`);
  } else {
    runId = project.runs.list().filter((r) => project.embeddings.count(r.id) > 0).at(-1)?.id;
    if (runId === undefined) throw new ApiError('no-run', `${project.path} has no embeddings yet; run astromorph embed first`);
  }
  const id = runId;
  // Items a page at a time and one vector at a time, so memory stays flat for any survey size.
  function* embedded(): Generator<EmbeddedItem> {
    for (let offset = 0; ; offset += EXPORT_PAGE) {
      const page = project.items.list({ limit: EXPORT_PAGE, offset });
      for (const item of page) {
        const vector = project.embeddings.get(id, item.id);
        if (vector !== null) yield { file: item.path, hdu: item.hdu, shape: item.shape, bitpix: item.bitpix, metadata: item.metadata, vector };
      }
      if (page.length < EXPORT_PAGE) return;
    }
  }
  const dim = embedded().next().value?.vector.length ?? 0;
  const path = resolve(opts.out);
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) throw new ApiError('not-a-folder', `cannot write ${opts.out}: folder ${dirname(path)} does not exist`);
  const count = await writeEmbeddingsCsv(path, dim, embedded(), opts.signal);
  return { runId: id, format: opts.format, path, rows: count, dim, seconds: (performance.now() - started) / 1000 };
}
