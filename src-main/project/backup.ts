// Before an older project is migrated, a copy of it as it was is kept beside it
// (survey.amproj -> survey.schema-1.backup.amproj): a failed or unwanted upgrade can be undone by
// hand, and an older Astromorph can still open the copy.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ProjectError } from './errors.ts';

/** The first free backup name for a project file at a schema version. */
export function backupPath(projectFile: string, version: number): string {
  const ext = path.extname(projectFile);
  const stem = projectFile.slice(0, projectFile.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = `${stem}.schema-${version}.backup${n === 1 ? '' : `-${n}`}${ext}`;
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/**
 * Writes a consistent copy of the open database (WAL contents included) with VACUUM INTO and returns
 * its path. A failure stops the migration: the original is never upgraded without its backup.
 */
export function backupBeforeMigration(db: Database.Database, projectFile: string, version: number): string {
  const target = backupPath(projectFile, version);
  try {
    db.prepare('VACUUM INTO ?').run(target);
  } catch (e) {
    fs.rmSync(target, { force: true });
    throw new ProjectError('io', projectFile, `cannot write the backup ${target} before upgrading the schema: ${(e as Error).message}; the project was not upgraded`, { cause: e });
  }
  return target;
}
