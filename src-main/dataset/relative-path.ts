// Item paths and data-folder roots are stored relative to the project's folder, '/'-separated on
// every platform, so a project moves with its data and opens the same on Windows.
import path from 'node:path';

/** Path of `target` relative to `folder`, '/'-separated, '.' for the folder itself. */
export function relativeTo(folder: string, target: string): string {
  const rel = path.relative(folder, target);
  if (path.isAbsolute(rel)) return rel; // another drive on Windows: the caller refuses it
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}
