// Paths read from a project file are untrusted: a crafted file could point an item at /etc/passwd or
// at ../../ of the data folder. An item path must be normalised, relative and inside its data folder;
// a data-folder root must be normalised and relative (it may start with ../ for data beside the project).
import path from 'node:path';

/** Why a stored relative path is unacceptable, or null when it is fine. */
export function relativePathProblem(p: string): string | null {
  if (p === '') return 'empty path';
  if (p.includes('\0')) return 'path contains a NUL character';
  if (p.includes('\\')) return 'path contains a backslash';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'path is absolute';
  if (path.posix.normalize(p) !== p || p.endsWith('/')) return 'path is not in normal form (./, //, a/../b or a trailing /)';
  return null;
}

/** Why an item path is not inside its data folder root, or null when it is. */
export function outsideRootProblem(itemPath: string, root: string): string | null {
  if (root === '.') return itemPath === '..' || itemPath.startsWith('../') ? 'path leaves the project folder, its data folder' : null;
  if (itemPath === root || itemPath.startsWith(`${root}/`)) {
    const rest = itemPath.slice(root.length + 1).split('/');
    return rest.includes('..') ? `path leaves its data folder ${root}` : null;
  }
  return `path is not inside its data folder ${root}`;
}
