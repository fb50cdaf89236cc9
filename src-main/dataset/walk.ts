// Finds the FITS files under a folder. An unreadable folder is reported and skipped; the walk goes
// on. Symbolic links are followed, each real folder visited once (no loops).
import fs from 'node:fs/promises';
import path from 'node:path';

export const FITS_NAME = /\.(fits|fit|fts|fz)(\.gz)?$/i;

export interface FoundFile {
  absolutePath: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: FoundFile[];
  /** Folders and files that could not be read, with the reason. */
  failures: { path: string; error: string }[];
  /** Folders whose contents are unknown: items under them must not be marked missing. */
  unreadable: string[];
  cancelled: boolean;
}

const STAT_BATCH = 64;

export async function walkFitsFiles(root: string, opts: { signal?: AbortSignal; onFound?: (count: number, current: string) => void } = {}): Promise<WalkResult> {
  const result: WalkResult = { files: [], failures: [], unreadable: [], cancelled: false };
  const visited = new Set<string>();
  const queue = [root];
  while (queue.length > 0) {
    if (opts.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    const dir = queue.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      const real = await fs.realpath(dir);
      if (visited.has(real)) continue;
      visited.add(real);
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      result.failures.push({ path: dir, error: `cannot read folder: ${(e as Error).message}` });
      result.unreadable.push(dir);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const candidates: { full: string; link: boolean }[] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) queue.push(full);
      else if (entry.isSymbolicLink()) candidates.push({ full, link: true });
      else if (entry.isFile() && FITS_NAME.test(entry.name)) candidates.push({ full, link: false });
    }
    for (let i = 0; i < candidates.length; i += STAT_BATCH) {
      await Promise.all(candidates.slice(i, i + STAT_BATCH).map(async ({ full, link }) => {
        try {
          const st = await fs.stat(full);
          if (st.isDirectory()) {
            if (link) queue.push(full);
            return;
          }
          if (!st.isFile() || !FITS_NAME.test(full)) return;
          result.files.push({ absolutePath: full, size: st.size, mtimeMs: st.mtimeMs });
        } catch (e) {
          if (link && !FITS_NAME.test(full)) return; // a dangling link to something we would not read anyway
          result.failures.push({ path: full, error: `cannot read file: ${(e as Error).message}` });
        }
      }));
    }
    opts.onFound?.(result.files.length, dir);
  }
  return result;
}
