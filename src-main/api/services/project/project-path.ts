// Where a project file lives. `astromorph init survey` makes `survey.amproj`; every other command
// accepts either spelling, so people can type the name they chose.
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { ApiError } from '../../contract/errors.ts';

export const PROJECT_EXTENSION = '.amproj';

/** The path `init` creates: the given path, with `.amproj` appended when it has no extension. */
export function newProjectPath(arg: string): string {
  const path = resolve(arg);
  return extname(path) === '' ? path + PROJECT_EXTENSION : path;
}

/** The existing project file meant by `arg`; ApiError 'no-project' when there is none. */
export function existingProjectPath(arg: string): string {
  const path = resolve(arg);
  for (const candidate of extname(path) === '' ? [path + PROJECT_EXTENSION, path] : [path]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new ApiError('no-project', `no project file at ${arg} (create one with: astromorph init ${arg})`);
}
