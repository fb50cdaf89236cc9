// Named errors of the model layer, so callers (CLI, app) can tell bad settings from failures.

/** A failure inside the model layer (backend, training, checkpoint). */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

/** A settings file or object that does not validate; `file` names its source when there is one. */
export class SettingsError extends Error {
  readonly file: string | undefined;
  readonly issues: string[];
  constructor(issues: string[], file?: string) {
    super(`${file != null ? `${file}: ` : ''}invalid training settings: ${issues.join('; ')}`);
    this.name = 'SettingsError';
    this.file = file;
    this.issues = issues;
  }
}

/** A checkpoint or weights blob that cannot be read back. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
