// Errors the services raise for bad requests (as opposed to bad data, which a scan records per file).
// The message is one line a person can act on; the code lets callers choose an exit status or a UI hint.

export type ApiErrorCode = 'no-project' | 'project-exists' | 'not-a-folder' | 'bad-argument' | 'no-run' | 'run-busy' | 'no-data' | 'read-only' | 'bad-shard';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** An error as the page receives it from either transport: never a stack, never undefined. */
export interface ApiFailure {
  name: string;
  /** ApiError's code, 'bad-argument' for a failed schema, or the error's own code when it has one. */
  code: string;
  message: string;
}
