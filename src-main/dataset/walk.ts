// Finds the FITS files under a folder. An unreadable folder is reported and skipped; the walk goes
// on. Symbolic links are followed while they stay inside the folder's real tree (each real folder
// visited once, real folders before links to them, so no loops and stable paths). A link that leads
// out of it is not followed unless asked (followLinks): a folder someone hands over must not make the
// scan, and then the reader, wander into the rest of the disk.
import fs from 'node:fs/promises';
import path from 'node:path';

export const FITS_NAME = /\.(fits|fit|fts|fz)(\.gz)?$/i;

export interface FoundFile {
  absolutePath: string;
  size: number;
  mtimeMs: number;
}

export interface WalkOptions {
  signal?: AbortSignal;
  onFound?: (count: number, current: string) => void;
  /** Follow links that lead out of the root's real tree too (listed in `followed`). */
  followLinks?: boolean;
}

export interface WalkResult {
  files: FoundFile[];
  /** Folders and files that could not be read, with the reason. */
  failures: { path: string; error: string }[];
  /** Folders whose contents are unknown, with the reason: items under them must not be marked missing. */
  unreadable: { path: string; reason: string }[];
  /** Links leading out of the root's real tree, left alone (without followLinks). */
  notFollowed: string[];
  /** Real paths outside the root's real tree that followLinks reached through a link. */
  followed: string[];
  cancelled: boolean;
}

const STAT_BATCH = 64;

function isInside(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}

export async function walkFitsFiles(root: string, opts: WalkOptions = {}): Promise<WalkResult> {
  const result: WalkResult = { files: [], failures: [], unreadable: [], notFollowed: [], followed: [], cancelled: false };
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch (e) {
    result.failures.push({ path: root, error: `cannot read folder: ${(e as Error).message}` });
    result.unreadable.push({ path: root, reason: (e as Error).message });
    return result;
  }
  const visited = new Set<string>();
  const queue = [root];
  // Folders reached through links wait until the real ones are done: a real path is recorded first.
  const linked: string[] = [];
  while (queue.length > 0 || linked.length > 0) {
    if (opts.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    const dir = queue.length > 0 ? queue.pop()! : linked.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      const real = await fs.realpath(dir);
      if (visited.has(real)) continue;
      visited.add(real);
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      result.failures.push({ path: dir, error: `cannot read folder: ${(e as Error).message}` });
      result.unreadable.push({ path: dir, reason: (e as Error).message });
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
    const links: string[] = [];
    for (let i = 0; i < candidates.length; i += STAT_BATCH) {
      await Promise.all(candidates.slice(i, i + STAT_BATCH).map(async ({ full, link }) => {
        try {
          const st = await fs.stat(full);
          if (!st.isDirectory() && (!st.isFile() || !FITS_NAME.test(full))) return;
          if (link) {
            const target = await fs.realpath(full);
            if (!isInside(realRoot, target)) {
              if (!opts.followLinks) {
                result.notFollowed.push(full);
                return;
              }
              result.followed.push(target);
            }
          }
          if (st.isDirectory()) {
            if (link) links.push(full);
            return;
          }
          result.files.push({ absolutePath: full, size: st.size, mtimeMs: st.mtimeMs });
        } catch (e) {
          if (link && !FITS_NAME.test(full)) return; // a dangling link to something we would not read anyway
          result.failures.push({ path: full, error: `cannot read file: ${(e as Error).message}` });
        }
      }));
    }
    linked.push(...links.sort().reverse()); // popped in name order
    opts.onFound?.(result.files.length, dir);
  }
  result.notFollowed.sort();
  result.followed.sort();
  return result;
}
