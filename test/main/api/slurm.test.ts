// Sharded embedding on a real Slurm: munged, slurmctld and slurmd on this machine (scripts/local-slurm.sh
// starts them when none answers). `astromorph slurm --submit` runs a 4-task job array over the sample data
// and a merge job after it; the merged vectors equal a single-process embed bit for bit. A task cancelled
// part way (scancel) leaves its shard missing and the merge unrun; submitting again runs only that task,
// and the merge completes. Under CI=true a missing Slurm fails (see reference-tools.ts), never skips.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { ensureProjectId } from '../../../src-main/api/services/sharding/shards.ts';
import { embedItems } from '../../../src-main/api/services/training/embedding.ts';
import { train } from '../../../src-main/api/services/training/training.ts';
import { debian, referenceTool } from '../../support/reference-tools.ts';
import { cli, REPO } from '../cli/run-cli.ts';

const TINY = {
  encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, coordinates: 'cartesian', embed_profile: false, batch_size: 8, projection_size: 8, projection_hidden_size: 16,
  learning_rate: 3e-3, backend: 'wasm', core_limit: 1, epochs: 1,
} as const;
const TASKS = 4;
const SAMPLE = join(REPO, 'resources', 'sample-data');

/** A Slurm answers with a node that can take jobs. */
const slurmAnswers = (): boolean => {
  const res = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
  return res.status === 0 && /idle|mixed|alloc/.test(res.stdout);
};

let state: string | null = null;
let started = false;
function slurmUp(): boolean {
  if (slurmAnswers()) return true;
  const installed = existsSync('/usr/sbin/slurmctld') && existsSync('/usr/sbin/munged') && process.getuid?.() === 0;
  if (!installed) return false;
  state = mkdtempSync(join(tmpdir(), 'astromorph-slurm-state-'));
  const res = spawnSync(join(REPO, 'scripts', 'local-slurm.sh'), [state], { encoding: 'utf8', env: { ...process.env, LOCAL_SLURM_NO_INSTALL: '1' } });
  started = res.status === 0 && existsSync(join(state, 'pids'));
  if (res.status !== 0) console.warn(`scripts/local-slurm.sh failed: ${res.stderr}`);
  return res.status === 0;
}

const haveSlurm = referenceTool('a Slurm cluster (sbatch, slurmctld, munged)', debian('slurm-wlm munge'), slurmUp());

/** A job's state from scontrol (finished jobs stay listed for MinJobAge); array jobs: every task's. */
function jobStates(jobId: string): string[] {
  const res = spawnSync('scontrol', ['show', 'job', '-o', jobId], { encoding: 'utf8' });
  return [...res.stdout.matchAll(/JobState=(\S+)/g)].map((m) => m[1]!);
}

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);

async function waitForJob(jobId: string, timeoutMs = 150_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const states = jobStates(jobId);
    if (states.length > 0 && states.every((s) => FINAL.has(s))) return states;
    if (Date.now() > until) throw new Error(`job ${jobId} did not finish in ${timeoutMs / 1000} s: ${states.join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function vectorsByPath(file: string): Map<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT i.path, e.vector FROM embeddings e JOIN items i ON i.id = e.item_id WHERE e.run_id = 1').all() as { path: string; vector: Buffer }[];
    return new Map(rows.map((r) => [r.path, r.vector.toString('hex')]));
  } finally {
    db.close();
  }
}

function submit(project: string): { taskScript: string; mergeScript: string; array: string; arrayJobId: string | null; mergeJobId: string } {
  const res = cli(['slurm', project, 'embed', '--tasks', String(TASKS), '--submit', '--json']);
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  return JSON.parse(res.stdout) as ReturnType<typeof submit>;
}

describe.runIf(haveSlurm)('sharded embedding on a real Slurm', () => {
  let dir: string;
  let trained: string;
  let want: Map<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'astromorph-slurm-'));
    const settings = join(dir, 'tiny.toml');
    writeFileSync(settings, Object.entries(TINY).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n');
    const session = ProjectSession.create(join(dir, 'trained'));
    trained = session.path;
    try {
      await session.addFolders([SAMPLE], { workers: 0 });
      await train(session, { settingsFile: settings });
      ensureProjectId(session);
    } finally {
      session.close();
    }
    const single = join(dir, 'single.amproj');
    copyFileSync(trained, single);
    const s = ProjectSession.open(single);
    try {
      await embedItems(s);
    } finally {
      s.close();
    }
    want = vectorsByPath(single);
    expect(want.size).toBe(64);
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a 4-task job array and its merge job give the single-process vectors bit for bit', async () => {
    const project = join(dir, 'array.amproj');
    copyFileSync(trained, project);
    const job = submit(project);
    expect(job.array).toBe('0-3');
    expect(readFileSync(job.taskScript, 'utf8')).toMatch(/#SBATCH --array=0-3\n[\s\S]*embed '.*array\.amproj' --shard "\$SLURM_ARRAY_TASK_ID\/4" --run 1/);
    expect(await waitForJob(job.arrayJobId!)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(await waitForJob(job.mergeJobId)).toEqual(['COMPLETED']);
    expect(vectorsByPath(project)).toEqual(want);
  }, 180_000);

  it('a cancelled task leaves the merge undone; submitting again runs that task alone and completes the merge', async () => {
    const project = join(dir, 'cancelled.amproj');
    copyFileSync(trained, project);
    const job = submit(project);
    // Task 3 is cancelled before it can finish (two CPUs: it waits for a free one, or has just begun).
    expect(spawnSync('scancel', [`${job.arrayJobId}_3`]).status).toBe(0);
    // A task cancelled while pending leaves scontrol's list; the other three finish.
    expect((await waitForJob(job.arrayJobId!)).filter((s) => s === 'COMPLETED')).toHaveLength(3);
    expect(existsSync(join(dir, 'cancelled.shards', 'embed-run1-003-of-004.amshard'))).toBe(false);
    expect(existsSync(join(dir, 'cancelled.shards', 'embed-run1-002-of-004.amshard'))).toBe(true);
    // The merge's dependency can never be met now: Slurm cancels it (--kill-on-invalid-dep).
    expect(await waitForJob(job.mergeJobId)).toEqual(['CANCELLED']);
    expect(vectorsByPath(project).size).toBe(0);

    const again = submit(project);
    expect(again.array).toBe('3');
    expect(await waitForJob(again.arrayJobId!)).toEqual(['COMPLETED']);
    expect(await waitForJob(again.mergeJobId)).toEqual(['COMPLETED']);
    expect(vectorsByPath(project)).toEqual(want);
    const log = cli(['merge', project, '--embed', '--run', '1', '--tasks', String(TASKS)]);
    expect(log.stdout).toMatch(/merged 4 of 4 shards: 64 vectors of run 1[\s\S]*complete/);
  }, 240_000);

  afterAll(() => {
    // Only the daemons this file started; munged stays (it is harmless, and others may use it).
    if (started && state) {
      for (const pid of readFileSync(join(state, 'pids'), 'utf8').split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid));
        } catch {
          // already gone
        }
      }
    }
  });
});
