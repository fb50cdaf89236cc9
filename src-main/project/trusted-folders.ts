// Which data folders this user chose on this machine. A project file from someone else is untrusted:
// its data-folder roots may point anywhere (`../../..`), so an item's file is read only when its root
// is inside the project file's own folder, or is (inside) a folder the user named here with
// `astromorph add` / `astromorph relocate` / the app's Add folders, recorded in trusted-folders.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatasetItem } from '../dataset/index.ts';
import { ProjectError } from './errors.ts';
import type { Project } from './project.ts';

/** The user's configuration folder (ASTROMORPH_CONFIG_DIR overrides it, e.g. in tests). */
export function configFolder(): string {
  return process.env.ASTROMORPH_CONFIG_DIR ?? path.join(os.homedir(), '.config', 'astromorph');
}

export function trustListPath(): string {
  return path.join(configFolder(), 'trusted-folders.json');
}

/**
 * The absolute folders this user chose; a missing or unreadable list trusts nothing. Kept until the
 * file changes (a stat per call), since every item read asks.
 */
export function trustedFolders(): string[] {
  const file = trustListPath();
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return [];
  }
  if (trustCache?.file === file && trustCache.mtimeMs === stat.mtimeMs && trustCache.size === stat.size) return trustCache.folders;
  let folders: string[] = [];
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const list = (parsed as { folders?: unknown })?.folders;
    if (Array.isArray(list)) folders = list.filter((f): f is string => typeof f === 'string' && path.isAbsolute(f));
  } catch {
    folders = [];
  }
  trustCache = { file, mtimeMs: stat.mtimeMs, size: stat.size, folders };
  return folders;
}

let trustCache: { file: string; mtimeMs: number; size: number; folders: string[] } | undefined;

/** Records that the user themself chose `folder`; written atomically (temp file + rename). */
export function trustFolder(folder: string): void {
  const abs = path.resolve(folder);
  const known = trustedFolders();
  if (known.includes(abs)) return;
  const file = trustListPath();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temp, JSON.stringify({ folders: [...known, abs].sort() }, null, 2) + '\n');
  fs.renameSync(temp, file);
  trustCache = undefined;
}

function isInside(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}

/** Whether files under the data-folder root `root` (relative to the project's folder) may be read. */
export function isTrustedRoot(projectFolder: string, root: string): boolean {
  const abs = path.resolve(projectFolder, root);
  if (isInside(projectFolder, abs)) return true;
  return trustedFolders().some((t) => isInside(t, abs));
}

/**
 * The absolute path of an item's data file, for reading it. The one gate every reader of item data
 * goes through: it refuses a file whose data-folder root is neither beside-and-under the project nor
 * chosen by this user.
 */
export function dataFilePath(project: Project, item: DatasetItem): string {
  if (!mayReadRoot(project, item)) throw untrustedRootError(project.path, rootOf(project, item));
  const real = realPathOf(item.absolutePath);
  if (!isTrustedRealPath(project.folder, real)) {
    throw new ProjectError('untrusted-link', project.path,
      `${item.absolutePath} leads to ${real}, outside the project's folder and the folders chosen on this machine; not read `
      + `(to use it, add its folder with \`astromorph add ${path.basename(project.path)} DIR\`, or scan with --follow-links)`);
  }
  return item.absolutePath;
}

/**
 * dataFilePath, except that a file behind a link out of every trusted folder is not an error but a
 * reason to leave the item out (saying how to allow it); an untrusted data folder still throws.
 */
export function dataFileOrReason(project: Project, item: DatasetItem): { path: string } | { reason: string } {
  try {
    return { path: dataFilePath(project, item) };
  } catch (e) {
    if (!(e instanceof ProjectError) || e.code !== 'untrusted-link') throw e;
    return { reason: e.message.slice(project.path.length + 2) };
  }
}

/** Whether dataFilePath would give the item's file (for readers that fall back to stored previews). */
export function mayReadDataFile(project: Project, item: DatasetItem): boolean {
  return mayReadRoot(project, item) && isTrustedRealPath(project.folder, realPathOf(item.absolutePath));
}

function mayReadRoot(project: Project, item: DatasetItem): boolean {
  // The file itself is checked (the item store keeps it inside its root): a trusted root makes every
  // item under it readable, and `relocate` to a chosen folder also frees files it finds already there.
  return isTrustedRoot(project.folder, rootOf(project, item)) || isTrustedRoot(project.folder, item.path);
}

/**
 * The path with every link resolved, as the reader would open it. A file that is not there (yet) is
 * resolved through the nearest folder that is, so a link in a parent folder still counts.
 */
function realPathOf(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realPathOf(parent), path.basename(p));
  }
}

/**
 * Whether a resolved path lies under the project's folder or a chosen folder, each resolved too: a
 * lexical check alone lets `data/x.fits -> /home/me/.ssh/id_rsa` through a trusted data folder.
 */
function isTrustedRealPath(projectFolder: string, real: string): boolean {
  return [projectFolder, ...trustedFolders()].some((f) => isInside(f, real) || isInside(realFolder(f), real));
}

/** Real paths of the trusted folders, kept while the trust list stays the same (asked once per item read). */
let realFolders: { list: string[]; real: Map<string, string> } | undefined;

function realFolder(folder: string): string {
  const list = trustedFolders();
  if (realFolders?.list !== list) realFolders = { list, real: new Map() };
  let real = realFolders.real.get(folder);
  if (real === undefined) realFolders.real.set(folder, (real = realPathOf(folder)));
  return real;
}

/** Data-folder roots per project, re-read only when the project file changed (every item read asks). */
const rootsByProject = new WeakMap<Project, { stamp: string; roots: Map<number, string> }>();

function rootOf(project: Project, item: DatasetItem): string {
  const stamp = project.changeStamp();
  let cached = rootsByProject.get(project);
  if (cached?.stamp !== stamp) {
    cached = { stamp, roots: new Map(project.datasets.list().map((d) => [d.id, d.root])) };
    rootsByProject.set(project, cached);
  }
  return cached.roots.get(item.datasetId) ?? item.path;
}

export function untrustedRootError(projectFile: string, root: string): ProjectError {
  const name = path.basename(projectFile);
  return new ProjectError('untrusted-folder', projectFile,
    `data folder ${root} recorded in ${name} is outside the project's folder and was not chosen on this machine: `
    + `run \`astromorph relocate ${name} DIR\` or \`astromorph add ${name} DIR\` to use it`);
}
