// Adding data folders to a project: walk them for FITS files, inspect new and changed files in
// worker threads, and write the results on this thread in batched transactions. Unchanged files
// (same size and mtime, read fine before) are not read again; files that failed are retried; files
// that vanished are marked missing, never deleted.
import fs from 'node:fs';
import path from 'node:path';
import type { Catalogue, KnownFile } from './catalogue.ts';
import { DatasetError } from './errors.ts';
import { emptyMetadata } from './item.ts';
import type { ItemRecord } from './item.ts';
import type { Inspection } from './inspect.ts';
import { relativeTo } from './relative-path.ts';
import { visibleText } from './visible-text.ts';
import { defaultWorkerCount, ScanPool } from './scan-pool.ts';
import { walkFitsFiles } from './walk.ts';
import type { FoundFile } from './walk.ts';

export interface ScanProgress {
  phase: 'walk' | 'read';
  done: number;
  total: number;
  failed: number;
  current?: string;
}

export interface ScanOptions {
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /** Worker threads; default min(cores, 4). 0 reads on the calling thread. */
  workers?: number;
  /** The scan worker's module when a bundler moved it (Electron builds); default: scan-worker.ts beside scan.ts. */
  workerUrl?: URL | string;
  /** Follow symbolic links that lead out of the folders' real trees (by default they are listed, not followed). */
  followLinks?: boolean;
  /**
   * Only the files this accepts (by stored relative path) are read or marked missing: one task's share
   * of a sharded add (`--shard I/N`). The others are left alone, neither counted nor touched.
   */
  only?: (relativePath: string) => boolean;
}

export interface ScanFailure {
  path: string;
  error: string;
}

export interface ScanSummary {
  /** New files read successfully. */
  added: number;
  /** Known files read again (changed, or back after going missing) successfully. */
  updated: number;
  /** Known, readable files skipped because size and mtime did not change. */
  unchanged: number;
  /** Files that could not be read (failed files are retried on every add), plus folders that could not be listed. */
  failed: number;
  /** Known files no longer found, now marked missing. */
  missing: number;
  cancelled: boolean;
  failures: ScanFailure[];
  /** Links leading out of the scanned folders' real trees, not followed (see followLinks). */
  linksNotFollowed: string[];
  /** Real files and folders outside the scanned folders that followLinks reached. */
  linksFollowed: string[];
  /** Folders given in which at least one FITS file was found (the ones a caller may trust). */
  foundIn: string[];
  /**
   * Folders given, new to the project, in which no FITS file was found: not recorded as data folders (a
   * folder like /etc is not a dataset), so nothing under them is ever read.
   */
  noFitsFiles: string[];
}

interface Job {
  found: FoundFile;
  rel: string;
  datasetId: number;
  known: KnownFile | undefined;
}

interface Done {
  job: Job;
  inspection: Inspection | null;
  error: string | null;
}

const BATCH_FILES = 200;
const BATCH_MS = 250;
const PROGRESS_MS = 50;

function emptySummary(): ScanSummary {
  return {
    added: 0, updated: 0, unchanged: 0, failed: 0, missing: 0, cancelled: false, failures: [], linksNotFollowed: [], linksFollowed: [],
    foundIn: [], noFitsFiles: [],
  };
}

export async function addFolders(project: Catalogue, dirs: string[], opts: ScanOptions = {}): Promise<ScanSummary> {
  const summary = emptySummary();
  const roots = dirs.map((d) => path.resolve(d));
  for (const root of roots) {
    let st: fs.Stats;
    try {
      st = fs.statSync(root);
    } catch {
      throw new DatasetError(root, 'no such folder');
    }
    if (!st.isDirectory()) throw new DatasetError(root, 'not a folder');
    if (path.isAbsolute(relativeTo(project.folder, root))) {
      throw new DatasetError(root, 'is on another drive than the project file; item paths must be relative to the project');
    }
  }
  // A folder becomes a data folder of the project once FITS files are found in it (or if it is one already).
  const knownRoots = new Map(project.datasets.list().map((d) => [d.absoluteRoot, d.id]));
  const datasetIds: number[] = [];

  let lastProgress = 0;
  const progress = (p: ScanProgress, force = false): void => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_MS) return;
    lastProgress = now;
    opts.onProgress(p);
  };

  // Walk every folder first: the read phase then knows its total.
  const jobs: Job[] = [];
  const seen = new Set<string>();
  const toMarkMissing: number[] = [];
  const toMarkUnreadable: { id: number; reason: string }[] = [];
  let walked = 0;
  for (const [i, root] of roots.entries()) {
    const walk = await walkFitsFiles(root, {
      signal: opts.signal,
      followLinks: opts.followLinks,
      onFound: (count, current) => progress({ phase: 'walk', done: walked + count, total: walked + count, failed: summary.failures.length, current }),
    });
    walked += walk.files.length;
    summary.failures.push(...walk.failures.map((f) => ({ path: f.path, error: visibleText(f.error) })));
    summary.linksNotFollowed.push(...walk.notFollowed);
    summary.linksFollowed.push(...walk.followed);
    if (walk.files.length > 0) summary.foundIn.push(root);
    const known = knownRoots.get(root);
    if (known === undefined && walk.files.length === 0) {
      // Nothing to add: not recorded, and (the caller's part) not trusted. An unreadable root is listed as a failure.
      if (!walk.cancelled && !walk.unreadable.some((u) => u.path === root)) summary.noFitsFiles.push(root);
      if (walk.cancelled) {
        summary.cancelled = true;
        break;
      }
      continue;
    }
    datasetIds[i] = known ?? project.transaction(() => project.datasets.add(root));
    knownRoots.set(root, datasetIds[i]);
    if (walk.cancelled) {
      summary.cancelled = true;
      break;
    }
    const relRoot = relativeTo(project.folder, root);
    const items = project.items.knownUnder(relRoot);
    for (const found of walk.files.sort((a, b) => (a.absolutePath < b.absolutePath ? -1 : 1))) {
      const rel = relativeTo(project.folder, found.absolutePath);
      if (seen.has(rel)) continue; // nested folders given twice
      seen.add(rel);
      if (opts.only && !opts.only(rel)) continue;
      const k = items.get(rel);
      // Failed files are always retried: the failure may have been ours (a reader that crashed, or lacked a codec).
      if (k && k.status === 'ok' && k.size === found.size && k.mtimeMs === found.mtimeMs) {
        summary.unchanged++;
        continue;
      }
      jobs.push({ found, rel, datasetId: datasetIds[i], known: k });
    }
    const unreadable = walk.unreadable.map((u) => ({ ...u, rel: relativeTo(project.folder, u.path) }));
    // Under a link not followed, files are not gone either: they were left alone.
    const leftAlone = walk.notFollowed.map((d) => relativeTo(project.folder, d));
    for (const [rel, k] of items) {
      if (seen.has(rel) || k.status === 'missing' || (opts.only && !opts.only(rel))) continue;
      // Under a folder that cannot be read now the file is not gone, but it cannot be read either: the item
      // says so, and keeps what the last scan learnt (shape, header, thumbnail, embedding) until it can.
      const blocked = unreadable.find((u) => rel.startsWith(`${u.rel}/`));
      if (blocked) {
        toMarkUnreadable.push({ id: k.id, reason: `cannot read folder ${blocked.path}: ${visibleText(blocked.reason)}; `
          + 'the item is kept as it was scanned: add the folder again once it can be read' });
        continue;
      }
      if (leftAlone.some((d) => rel === d || rel.startsWith(`${d}/`))) continue;
      toMarkMissing.push(k.id);
    }
  }
  progress({ phase: 'walk', done: walked, total: walked, failed: summary.failures.length }, true);

  if (!summary.cancelled && toMarkMissing.length > 0) {
    project.transaction(() => project.items.markMissing(toMarkMissing));
    summary.missing = toMarkMissing.length;
  }
  if (!summary.cancelled && toMarkUnreadable.length > 0) {
    project.transaction(() => toMarkUnreadable.forEach((u) => project.items.markUnreadable(u.id, u.reason)));
  }

  const read = !summary.cancelled && jobs.length > 0 ? await readFiles(project, jobs, summary, opts, progress) : 0;
  summary.failed = summary.failures.length;
  if (!summary.cancelled) project.transaction(() => datasetIds.forEach((id) => { if (id !== undefined) project.datasets.markScanned(id); }));
  progress({ phase: 'read', done: read, total: jobs.length, failed: summary.failed }, true);
  return summary;
}

/**
 * Scans every data folder of the project again. Items under a folder that no longer exists are
 * marked missing (and the folder is listed as a failure); the other folders are re-added as usual.
 */
export async function rescanFolders(project: Catalogue, opts: ScanOptions = {}): Promise<ScanSummary> {
  const present: string[] = [];
  const gone: string[] = [];
  for (const d of project.datasets.list()) {
    if (fs.statSync(d.absoluteRoot, { throwIfNoEntry: false })?.isDirectory()) present.push(d.absoluteRoot);
    else gone.push(d.absoluteRoot);
  }
  const summary = present.length > 0
    ? await addFolders(project, present, opts)
    : { ...emptySummary(), cancelled: opts.signal?.aborted ?? false };
  if (summary.cancelled) return summary;
  const vanished: number[] = [];
  for (const root of gone) {
    summary.failures.push({ path: root, error: 'the data folder no longer exists; its items are marked missing' });
    for (const k of project.items.knownUnder(relativeTo(project.folder, root)).values()) {
      if (k.status !== 'missing') vanished.push(k.id);
    }
  }
  if (vanished.length > 0) project.transaction(() => project.items.markMissing(vanished));
  summary.missing += vanished.length;
  summary.failed = summary.failures.length;
  return summary;
}

async function readFiles(project: Catalogue, jobs: Job[], summary: ScanSummary, opts: ScanOptions,
  progress: (p: ScanProgress, force?: boolean) => void): Promise<number> {
  // No more threads than files: starting a worker costs more than reading a small file.
  const pool = new ScanPool(Math.min(opts.workers ?? defaultWorkerCount(), jobs.length), opts.workerUrl);
  let batch: Done[] = [];
  const failedBefore = summary.failures.length; // folders the walk could not read
  let lastFlush = performance.now();
  let finished = 0;
  let failedFiles = 0;

  const flush = (): void => {
    if (batch.length === 0) return;
    const done = batch;
    batch = [];
    lastFlush = performance.now();
    project.transaction(() => {
      for (const d of done) {
        const id = project.items.save(toRecord(d));
        if (d.inspection?.thumbnail) project.thumbnails.put(id, d.inspection.thumbnail);
        else project.thumbnails.delete(id);
        if (d.error !== null) summary.failures.push({ path: d.job.found.absolutePath, error: d.error });
        else if (d.job.known) summary.updated++;
        else summary.added++;
      }
    });
  };

  try {
    // A failed write (disk full, project closed under us) rejects the scan instead of going unhandled.
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let active = 0;
      const onAbort = (): void => resolve();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const dispatch = (): void => {
        while (next < jobs.length && active < Math.max(1, pool.size) * 2 && !opts.signal?.aborted) {
          const job = jobs[next++];
          active++;
          void pool.inspect(job.found.absolutePath).then((reply) => {
            active--;
            finished++;
            if (!reply.ok) failedFiles++;
            batch.push(reply.ok
              ? { job, inspection: reply.inspection, error: null }
              : { job, inspection: null, error: visibleText(reply.error) }); // it may quote the file's bytes
            if (batch.length >= BATCH_FILES || performance.now() - lastFlush >= BATCH_MS) flush();
            progress({
              phase: 'read', done: finished, total: jobs.length, failed: failedBefore + failedFiles, current: job.found.absolutePath,
            });
            if (opts.signal?.aborted) return; // onAbort already resolved
            if (finished === jobs.length) {
              opts.signal?.removeEventListener('abort', onAbort);
              resolve();
            } else {
              dispatch();
            }
          }).catch(reject);
        }
      };
      if (opts.signal?.aborted) resolve();
      else dispatch();
    });
  } finally {
    // On cancel, files still in the workers are dropped: they stay as they were and the next add reads them.
    await pool.close();
    flush();
  }
  if (opts.signal?.aborted && finished < jobs.length) summary.cancelled = true;
  return finished;
}

function toRecord(d: Done): ItemRecord {
  const { job, inspection } = d;
  const base = { path: job.rel, datasetId: job.datasetId, size: job.found.size, mtimeMs: job.found.mtimeMs };
  if (inspection) {
    return {
      ...base, contentHash: inspection.contentHash, hdu: inspection.hdu, shape: inspection.shape,
      axisKinds: inspection.axisKinds, bitpix: inspection.bitpix, status: 'ok', error: null,
      metadata: inspection.metadata, header: inspection.header, issues: inspection.issues,
    };
  }
  return {
    ...base, contentHash: null, hdu: null, shape: null, axisKinds: null, bitpix: null, status: 'failed',
    error: d.error, metadata: emptyMetadata(), header: {}, issues: [],
  };
}
