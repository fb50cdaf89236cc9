// Who has a project open for writing: a small lock file beside it (survey.amproj-lock) holding the
// owner's pid, host and start time. A second process that finds a live owner opens the project
// read-only instead of writing under it. SQLite's own locks keep the file sound either way; this lock
// keeps two apps from both believing they own the project (two trainings, two relocations).
import fs from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  host: string;
  /** ms since the epoch when the holder took the lock. */
  since: number;
}

/** How long a lock file that cannot be parsed is treated as being written, before it counts as stale. */
const UNREADABLE_GRACE_MS = 10_000;

// A process may open one project several times (a session and a worker on the main thread); the lock
// file is removed when the last of them closes.
const heldHere = new Map<string, number>();

export function lockPath(projectFile: string): string {
  return `${projectFile}-lock`;
}

export class ProjectLock {
  readonly file: string;
  #released = false;

  private constructor(file: string) {
    this.file = file;
  }

  /** Takes the lock, or reports the live process that holds it. */
  static acquire(projectFile: string): { lock: ProjectLock; heldBy?: undefined } | { lock?: undefined; heldBy: LockHolder } {
    const file = lockPath(projectFile);
    const mine = heldHere.get(file);
    if (mine !== undefined) {
      heldHere.set(file, mine + 1);
      return { lock: new ProjectLock(file) };
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        try {
          fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() } satisfies LockHolder));
        } finally {
          fs.closeSync(fd);
        }
        heldHere.set(file, 1);
        return { lock: new ProjectLock(file) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(file);
      if (holder === 'being-written') return { heldBy: { pid: 0, host: 'unknown', since: Date.now() } };
      if (holder !== null && isAlive(holder)) return { heldBy: holder };
      // Stale: its owner died without closing. Remove it and try again (another process may win the race).
      fs.rmSync(file, { force: true });
    }
    throw new Error(`${file}: cannot take the project lock (it keeps reappearing)`);
  }

  /** The live holder of a project's lock, if any. */
  static holder(projectFile: string): LockHolder | null {
    const h = readHolder(lockPath(projectFile));
    return h !== null && h !== 'being-written' && isAlive(h) ? h : null;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    const n = heldHere.get(this.file) ?? 0;
    if (n > 1) {
      heldHere.set(this.file, n - 1);
      return;
    }
    heldHere.delete(this.file);
    fs.rmSync(this.file, { force: true });
  }
}

/** The holder in a lock file; 'being-written' for a fresh unparsable one; null for none or a stale unparsable one. */
function readHolder(file: string): LockHolder | 'being-written' | null {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isInteger(h.pid) && (h.pid as number) > 0 && typeof h.host === 'string' && typeof h.since === 'number') return h as LockHolder;
  } catch {
    // fall through
  }
  return Date.now() - mtimeMs < UNREADABLE_GRACE_MS ? 'being-written' : null;
}

/** A process on this host is probed with signal 0; one on another host cannot be, so it counts as alive. */
function isAlive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true;
  if (h.pid === process.pid) return false; // our own leftover from an earlier run with a reused pid
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function describeHolder(h: LockHolder): string {
  return h.pid === 0 ? 'another process (its lock is being written)'
    : `process ${h.pid} on ${h.host}, since ${new Date(h.since).toISOString().replace(/\.\d+Z$/, 'Z')}`;
}
