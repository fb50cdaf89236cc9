// Which process is training a run. The project records the trainer's pid and host next to the run, so
// a run left 'running' by a killed process can be told from one still training elsewhere: the first
// may be resumed, the second must not be touched.
import { hostname } from 'node:os';
import type { Project } from '../../../project/index.ts';

interface Trainer {
  pid: number;
  host: string;
  since: number;
}

const key = (runId: number) => `training.process.${runId}`;

export function claimRun(project: Project, runId: number): void {
  project.settings.set(key(runId), { pid: process.pid, host: hostname(), since: Date.now() } satisfies Trainer);
}

export function releaseRun(project: Project, runId: number): void {
  project.settings.set(key(runId), undefined);
}

/** The live process on this machine (or any process on another) that trains the run; null when none does. */
export function liveTrainer(project: Project, runId: number): { pid: number; host: string } | null {
  const t = project.settings.get(key(runId)) as Partial<Trainer> | undefined;
  if (t == null || typeof t.pid !== 'number' || typeof t.host !== 'string') return null;
  // Another machine's process (a project on a shared disk) cannot be probed; a person must decide.
  if (t.host !== hostname()) return { pid: t.pid, host: t.host };
  if (t.pid === process.pid) return null;
  try {
    process.kill(t.pid, 0);
    return { pid: t.pid, host: t.host };
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? { pid: t.pid, host: t.host } : null;
  }
}
