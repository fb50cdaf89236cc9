// One open project and the operations on it that the CLI and the desktop app share: add folders
// (a cancellable scan), list items. The caller owns the session and must close() it.
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
// Files, not the folders' index.ts: `astromorph ls` loads the project store, not the scanner and the FITS reader.
import { Project } from '../../../project/project.ts';
import { describeHolder } from '../../../project/lock.ts';
import { trustFolder } from '../../../project/trusted-folders.ts';
import type { LockHolder, OpenOptions } from '../../../project/index.ts';
import type { DatasetItem } from '../../../dataset/index.ts';
import { ApiError } from '../../contract/errors.ts';
import { existingProjectPath, newProjectPath } from './project-path.ts';
import { storageView } from './storage-view.ts';
import type { DamagedRow, ItemRow, ListFilter, ProjectStorageView, ScanProgress, ScanReport } from '../../contract/reports.ts';

export interface AddOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  workers?: number;
  /** Follow links leading out of the folders (their targets become readable: the user asked for them). */
  followLinks?: boolean;
}

export class ProjectSession {
  readonly path: string;
  #project: Project | null;

  private constructor(path: string, project: Project) {
    this.path = path;
    this.#project = project;
  }

  /** Creates a new project file; refuses to touch an existing file. */
  static create(arg: string): ProjectSession {
    const path = newProjectPath(arg);
    if (existsSync(path)) throw new ApiError('project-exists', `${path} already exists; not overwriting it`);
    return new ProjectSession(path, Project.create(path, { lock: true }));
  }

  /**
   * Opens an existing project file (ApiError 'no-project' when there is none) under its lock: a project
   * another live process holds opens read-only (see readOnly, lockedBy and assertWritable).
   */
  static open(arg: string, options: OpenOptions = {}): ProjectSession {
    const path = existingProjectPath(arg);
    return new ProjectSession(path, Project.open(path, { lock: true, ...options }));
  }

  /** True when another process holds the project's lock: reading works, changes are refused. */
  get readOnly(): boolean {
    return this.project.readOnly;
  }

  /** The process holding the lock when this session opened read-only. */
  get lockedBy(): LockHolder | null {
    return this.project.lockedBy;
  }

  /** Refuses a change (ApiError 'read-only', one line naming the holder) when the project opened read-only. */
  assertWritable(action: string): void {
    const holder = this.project.lockedBy;
    if (!holder) return;
    throw new ApiError('read-only', `${basename(this.path)} is open in another process (${describeHolder(holder)}): `
      + `opened read-only, so it cannot ${action}; close it there first (if no astromorph has it open, \`astromorph unlock `
      + `${basename(this.path)}\` removes the lock)`);
  }

  /** The project file's size and what takes it. */
  storage(): ProjectStorageView {
    return storageView(this.project.storage());
  }

  get project(): Project {
    if (!this.#project) throw new Error(`project ${this.path} is closed`);
    return this.#project;
  }

  /**
   * Scans folders into the project. Files that cannot be read are data: they are recorded as failed
   * and listed in the report, never thrown. An aborted scan resolves with `cancelled: true` and keeps
   * what it had already stored.
   */
  async addFolders(dirs: string[], options: AddOptions = {}): Promise<ScanReport> {
    if (dirs.length === 0) throw new ApiError('bad-argument', 'no folders given to add');
    this.assertWritable('add folders');
    const folders = dirs.map((dir) => {
      const abs = resolve(dir);
      let isDir = false;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        // reported below
      }
      if (!isDir) throw new ApiError('not-a-folder', `${dir} is not a folder`);
      return abs;
    });
    const started = performance.now();
    const { addFolders } = await import('../../../dataset/scan.ts'); // the scanner loads only when a command scans
    const summary = await addFolders(this.project, folders, {
      signal: options.signal,
      workers: options.workers,
      followLinks: options.followLinks,
      onProgress: options.onProgress
        ? (p) => options.onProgress!({ phase: p.phase, done: p.done, total: p.total, failed: p.failed, path: p.current ?? null })
        : undefined,
    });
    // The user named these folders here, and they hold FITS files: their files may be read from now on (see
    // trusted-folders.ts). A folder without any (/etc) is neither trusted nor recorded: the report says so.
    for (const f of summary.foundIn) trustFolder(f);
    // Following links out of the folders was asked for here: what they reach may be read from now on.
    for (const target of summary.linksFollowed) trustFolder(target);
    return {
      added: summary.added,
      updated: summary.updated,
      unchanged: summary.unchanged,
      failed: summary.failed,
      missing: summary.missing,
      cancelled: summary.cancelled,
      failures: summary.failures.map((f) => ({ path: f.path, error: f.error })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      linksNotFollowed: summary.linksNotFollowed,
      noFitsFiles: summary.noFitsFiles,
      itemsInProject: Object.values(this.project.items.countByStatus()).reduce((a, b) => a + b, 0),
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** The items passing the filter; rows that fail the untrusted-input check go to onDamaged instead. */
  listItems(filter: ListFilter = {}, onDamaged?: (row: DamagedRow) => void): ItemRow[] {
    return this.project.items.list(filter.status ? { status: filter.status } : {}, onDamaged).map(toItemRow);
  }

  close(): void {
    this.#project?.close();
    this.#project = null;
  }
}

function toItemRow(item: DatasetItem): ItemRow {
  return {
    path: item.absolutePath,
    hdu: item.hdu,
    status: item.status,
    shape: item.shape ? [...item.shape] : null,
    bitpix: item.bitpix,
    object: item.metadata.object,
    error: item.error,
  };
}
