// One error type for a project file that cannot be used: it always names the file and the problem.

export type ProjectErrorCode =
  | 'not-found'      // open() on a path with no file
  | 'exists'         // create() on a path that already has a file
  | 'not-sqlite'     // not an SQLite database at all
  | 'not-project'    // an SQLite database, but not an Astromorph project
  | 'damaged'        // SQLite reports corruption
  | 'newer-schema'   // written by a newer Astromorph
  | 'migration'      // a forward migration failed (the file is left at its previous version)
  | 'invalid-data'   // a row read back fails validation (the file came from elsewhere or was edited)
  | 'closed'
  | 'read-only'      // open read-only because another process holds the project's lock
  | 'untrusted-folder' // an item's data folder lies outside the project's folder and the user never chose it
  | 'untrusted-link'   // an item's file is a link (or lies under one) that leads outside every trusted folder
  | 'untrusted-schema' // triggers, views, tables or columns the app did not create
  | 'io';

export class ProjectError extends Error {
  override readonly name = 'ProjectError';
  readonly file: string;
  readonly code: ProjectErrorCode;

  constructor(code: ProjectErrorCode, file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.code = code;
    this.file = file;
  }
}
