// What a person types to name an item: its path relative to the project folder, the path `ls` shows
// (relative to the working directory, or absolute), or its numeric id.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { DatasetItem } from '../../../dataset/index.ts';
import type { Project } from '../../../project/index.ts';
import { ApiError } from '../../contract/errors.ts';

/** The item meant by `ref`, or null when none matches. */
export function findItem(project: Project, ref: string | number): DatasetItem | null {
  if (typeof ref === 'number') return project.items.get(ref) ?? null;
  const asProjectPath = project.items.byPath(ref.split(sep).join('/'));
  if (asProjectPath) return asProjectPath;
  const fromCwd = relative(project.folder, resolve(ref)).split(sep).join('/');
  const asCwdPath = project.items.byPath(fromCwd);
  if (asCwdPath) return asCwdPath;
  if (/^\d+$/.test(ref)) return project.items.get(Number(ref)) ?? null;
  return null;
}

/** The item meant by `ref`; ApiError 'bad-argument' naming the reference when there is none. */
export function requireItem(project: Project, ref: string | number): DatasetItem {
  const item = findItem(project, ref);
  if (!item) throw new ApiError('bad-argument', `${project.path} has no item ${typeof ref === 'number' ? `with id ${ref}` : JSON.stringify(ref)} (astromorph ls lists them)`);
  return item;
}

/** An existing file outside the dataset, by absolute path; null when `ref` is not a file. */
export function externalFile(ref: string): string | null {
  const abs = isAbsolute(ref) ? ref : resolve(ref);
  return existsSync(abs) && statSync(abs).isFile() ? abs : null;
}
