// Finding a project's data again on another machine: every item carries the sha256 of its file, so
// files under a folder the user points to are matched by content, whatever their names or layout.
// Only files whose size equals a missing item's size are hashed, so a large folder is cheap to search.
// Nothing is read outside that folder and nothing but the project file is written.
import fs from 'node:fs';
import path from 'node:path';
import { FITS_NAME, hashFile, relativeTo } from '../dataset/index.ts';
import type { DatasetItem } from '../dataset/index.ts';
import { ProjectError } from './errors.ts';
import type { Project } from './project.ts';

export interface RelocateProgress {
  hashed: number;
  toHash: number;
}

export interface RelocateReport {
  /** Items whose file was found under the folder: their old and new relative paths. */
  found: { id: number; from: string; to: string }[];
  /** Items still without a file (relative paths as stored), including those never hashed. */
  missing: string[];
  /** Items whose file was already where the project says. */
  present: number;
  /** FITS files looked at under the folder, and how many of them were hashed. */
  filesSeen: number;
  filesHashed: number;
}

/** Whether an item's file is where the project says (same size; the hash is checked by the next scan). */
function isPresent(item: DatasetItem): boolean {
  try {
    const st = fs.statSync(item.absolutePath);
    return st.isFile() && st.size === item.size;
  } catch {
    return false;
  }
}

export function relocate(project: Project, folder: string, opts: { onProgress?: (p: RelocateProgress) => void } = {}): RelocateReport {
  project.assertWritable('relocate its data');
  const root = path.resolve(folder);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new ProjectError('not-found', project.path, `${folder} is not a folder`);
  const items = project.items.list();
  const wanted = new Map<string, DatasetItem[]>(); // hash -> items still without a file
  const wantedSizes = new Set<number>();
  const missing: DatasetItem[] = [];
  let present = 0;
  const taken = new Set<string>(); // paths whose file is where the project says: never a relocation target
  for (const item of items) {
    if (isPresent(item)) {
      taken.add(item.path);
      present++;
      continue;
    }
    missing.push(item);
    if (item.contentHash === null) continue;
    wanted.set(item.contentHash, [...(wanted.get(item.contentHash) ?? []), item]);
    wantedSizes.add(item.size);
  }

  const candidates: string[] = [];
  let filesSeen = 0;
  if (wanted.size > 0) {
    // Symbolic links are not followed: the search stays inside the folder the user chose.
    for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !FITS_NAME.test(entry.name)) continue;
      filesSeen++;
      const full = path.join(entry.parentPath, entry.name);
      const size = fs.statSync(full, { throwIfNoEntry: false })?.size;
      if (size !== undefined && wantedSizes.has(size)) candidates.push(full);
    }
  }

  const found: RelocateReport['found'] = [];
  let datasetId: number | null = null;
  let hashed = 0;
  for (const file of candidates.sort()) {
    const hash = hashFile(file);
    hashed++;
    opts.onProgress?.({ hashed, toHash: candidates.length });
    const waiting = wanted.get(hash);
    if (!waiting || waiting.length === 0) continue;
    const rel = relativeTo(project.folder, file);
    if (path.isAbsolute(rel) || taken.has(rel)) continue;
    const item = waiting.shift()!;
    datasetId ??= project.datasets.add(root);
    project.items.moveTo(item.id, rel, datasetId);
    taken.add(rel);
    found.push({ id: item.id, from: item.path, to: rel });
  }
  const foundIds = new Set(found.map((f) => f.id));
  return {
    found,
    missing: missing.filter((i) => !foundIds.has(i.id)).map((i) => i.path),
    present,
    filesSeen,
    filesHashed: hashed,
  };
}
