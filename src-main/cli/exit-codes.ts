// Exit statuses, documented in the README and in `astromorph --help`.
export const EXIT_OK = 0;
/** A real error: unreadable project, unreadable file given to inspect, missing folder. */
export const EXIT_ERROR = 1;
/** Bad command line: unknown command or option, missing argument. */
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C (128 + SIGINT), after a clean shutdown. */
export const EXIT_CANCELLED = 130;

export const EXIT_CODES_HELP = `Exit codes:
  0    success (an add that met unreadable files still succeeds: they are recorded as failed)
  1    error (no or unreadable project, unreadable FITS file given to inspect, missing folder)
  2    usage error (unknown command or option, missing argument)
  130  cancelled with Ctrl-C; what was done is kept (scanned files, a training checkpoint, embeddings)`;
