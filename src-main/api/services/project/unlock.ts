// `astromorph unlock PROJECT`: remove a lock file that holds nothing, so a project that opens read-only
// because of a process that is gone (or a pid now used by another program) can be written again. A lock
// whose astromorph process is really running is left alone unless forced: two processes writing one
// project can lose each other's work (a training's checkpoints, a scan's items).
import { basename } from 'node:path';
import { describeHolder, lockStatus, looksLikeAstromorph, removeLock } from '../../../project/index.ts';
import { ApiError } from '../../contract/errors.ts';
import { existingProjectPath } from './project-path.ts';

export interface UnlockReport {
  /** Whether a lock file was removed. */
  removed: boolean;
  /** One line for the user: what was found and done. */
  message: string;
  /** Set when a lock was removed although its holder may be running (--force). */
  warning: string | null;
}

export function unlockProject(arg: string, options: { force?: boolean } = {}): UnlockReport {
  const file = existingProjectPath(arg);
  const name = basename(file);
  const status = lockStatus(file);
  const h = status.holder;
  const where = h ? `process ${h.pid} on ${h.host}` : 'an unreadable lock';
  const removed = (why: string): UnlockReport => {
    removeLock(file);
    return { removed: true, message: `removed the lock on ${name}: ${why}; the project can be written again`, warning: null };
  };
  switch (status.state) {
    case 'none':
      return { removed: false, message: `${name} is not locked`, warning: null };
    case 'gone':
      return removed(h ? `${where} is no longer running` : 'its lock file could not be read and is old');
    case 'reused':
      return removed(`${where} is another program now (it started after the lock was taken${status.command ? `: ${status.command}` : ''})`);
    case 'unverifiable':
      // Pid and host are all there is: a process that is plainly not this app (pid 1 of a container) holds nothing.
      if (status.command !== undefined && !looksLikeAstromorph(status.command)) return removed(`${where} is not astromorph (${status.command})`);
      break;
    case 'holding':
    case 'being-written':
      break;
  }
  const who = status.state === 'being-written' ? 'another process (its lock is being written)'
    : status.state === 'holding' ? `${where} (astromorph, since ${new Date(h!.since).toISOString().replace(/\.\d+Z$/, 'Z')})`
      : `${describeHolder(h!)}${status.command ? ` (${status.command})` : ''}`;
  if (!options.force) {
    throw new ApiError('read-only', `${name} is open in ${who}: not unlocked; close it there, or add --force if that process is stuck `
      + '(two processes writing one project can lose work)');
  }
  removeLock(file);
  const holderNote = status.state === 'holding' ? `${where} (astromorph)` : who;
  return {
    removed: true,
    message: `removed the lock on ${name}`,
    warning: `removed the lock although ${holderNote} still has ${name} open: if it writes again, its work and this one's can be lost`,
  };
}
