// Which process is training a run. The project records the trainer's pid and host next to the run, so
// a run left 'running' by a killed process can be told from one still training elsewhere: the first
// may be resumed, the second must not be touched.
import { hostname } from 'node:os';
import type { Project } from '../project/index.ts';

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

/** The pid of a live process on this machine that trains the run, or null when none does. */
export function liveTrainer(project: Project, runId: number): number | null {
  const t = project.settings.get(key(runId)) as Partial<Trainer> | undefined;
  if (t == null || typeof t.pid !== 'number' || t.host !== hostname()) {
    // Another machine's process (a project on a shared disk) cannot be probed; a person must decide.
    return t != null && typeof t.pid === 'number' ? t.pid : null;
  }
  if (t.pid === process.pid) return null;
  try {
    process.kill(t.pid, 0);
    return t.pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? t.pid : null;
  }
}
