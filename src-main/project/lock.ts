// Who has a project open for writing: a small lock file beside it (survey.amproj-lock) holding the
// owner's pid, host, when it took the lock and when the process started. A second process that finds a
// live owner opens the project read-only instead of writing under it. SQLite's own locks keep the file
// sound either way; this lock keeps two apps from both believing they own the project (two trainings,
// two relocations). A pid alone is not enough: after a crash the pid may belong to another process (pid 1
// after a container restart), which would keep the project read-only for ever; the process start time
// (Linux: /proc/PID/stat field 22, with the boot id) tells them apart. Elsewhere pid and host are all
// there is, and `astromorph unlock` removes a lock that holds nothing.
import fs from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  host: string;
  /** ms since the epoch when the holder took the lock. */
  since: number;
  /** The holding process's start ('<boot id>/<clock ticks since boot>' on Linux); absent where unknown. */
  start?: string;
}

/** What a lock file's holder is now. */
export type LockState =
  /** no lock file */
  | 'none'
  /** a fresh lock file still being written */
  | 'being-written'
  /** the process that took the lock is running (its pid and start time match) */
  | 'holding'
  /** the pid is running but nothing tells whether it took the lock (no start time recorded, or another host) */
  | 'unverifiable'
  /** the pid is not running */
  | 'gone'
  /** the pid is running but started after the lock was taken: another process with the same pid */
  | 'reused';

export interface LockStatus {
  state: LockState;
  holder: LockHolder | null;
  /** The running process's command name, when it can be read (same host, /proc): 'node', 'process_api'. */
  command?: string;
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
          const start = processStart(process.pid);
          fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now(), ...(start ? { start } : {}) } satisfies LockHolder));
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

/** A holder counts as alive unless it is known not to be: gone, or its pid now another process. */
function isAlive(h: LockHolder): boolean {
  const state = holderState(h);
  return state === 'holding' || state === 'unverifiable';
}

/**
 * A process on this host is probed with signal 0, and its start time compared with the one the lock
 * recorded; one on another host cannot be probed, so it is unverifiable (and counts as alive).
 */
function holderState(h: LockHolder): LockState {
  if (h.host !== hostname()) return 'unverifiable';
  if (h.pid === process.pid) return 'gone'; // our own leftover from an earlier run with a reused pid
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  if (h.start === undefined) return 'unverifiable';
  const now = processStart(h.pid);
  if (now === undefined) return 'unverifiable';
  return now === h.start ? 'holding' : 'reused';
}

/** Linux: '<boot id>/<start time in clock ticks since boot>' (/proc/PID/stat field 22); undefined elsewhere. */
export function processStart(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[22 - 3];
  if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
  let boot = '';
  try {
    boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
  } catch {
    // no boot id: the start time alone
  }
  return boot ? `${boot}/${ticks}` : ticks;
}

/** The command a running process was started as (Linux /proc); undefined where it cannot be read. */
function commandOf(pid: number): string | undefined {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter((a) => a !== '');
    if (cmdline.length > 0) return cmdline.join(' ');
  } catch {
    // fall through
  }
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'latin1').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The state of a project's lock: who holds it, and whether that process is really the one that took it. */
export function lockStatus(projectFile: string): LockStatus {
  const h = readHolder(lockPath(projectFile));
  if (h === null) return { state: fs.existsSync(lockPath(projectFile)) ? 'gone' : 'none', holder: null };
  if (h === 'being-written') return { state: 'being-written', holder: null };
  const state = holderState(h);
  const command = h.host === hostname() && state !== 'gone' ? commandOf(h.pid) : undefined;
  return { state, holder: h, ...(command === undefined ? {} : { command }) };
}

/** Whether a command line looks like this app (the CLI or the desktop app run by Node or Electron). */
export function looksLikeAstromorph(command: string): boolean {
  return /astromorph|\bnode\b|electron/i.test(command);
}

/** Removes a project's lock file, whoever holds it (the caller has decided). */
export function removeLock(projectFile: string): void {
  fs.rmSync(lockPath(projectFile), { force: true });
}

export function describeHolder(h: LockHolder): string {
  return h.pid === 0 ? 'another process (its lock is being written)'
    : `process ${h.pid} on ${h.host}, since ${new Date(h.since).toISOString().replace(/\.\d+Z$/, 'Z')}`;
}
