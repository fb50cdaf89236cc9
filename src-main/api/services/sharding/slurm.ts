// Sharded add and embed as Slurm job arrays: an sbatch script whose task I runs `--shard I/N`, and a
// merge job that runs once every task has succeeded (afterok). We use the scheduler the cluster has;
// this only writes the scripts and, when asked, hands them to sbatch.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { join, resolve } from 'node:path';
import { PARTIAL_SUFFIX, shardFileName, ShardReader, type ShardKind } from '../../../project/shard-file.ts';
import { ApiError } from '../../contract/errors.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { runWithCheckpoint } from '../training/embedding.ts';
import { ensureProjectId, modelFingerprint, shardFolder } from './shards.ts';

export interface SlurmJobOptions {
  kind: ShardKind;
  tasks: number;
  /** Folders to scan (add). */
  dirs?: string[];
  /** The run to embed with (embed; default as for `embed`). */
  runId?: number;
  partition?: string;
  account?: string;
  time?: string;
  cpusPerTask?: number;
  gpusPerTask?: number;
  /** Extra arguments for each task's astromorph command (e.g. --batch-size 128). */
  taskArgs?: string[];
  /** How a task starts astromorph: the Node and the launcher (astromorph.mjs) of this installation. */
  node: string;
  launcher: string;
}

export interface SlurmJob {
  kind: ShardKind;
  tasks: number;
  runId: number | null;
  folder: string;
  taskScript: string;
  mergeScript: string;
  /** Shard indices still to run (those without a complete shard file of the same model), as sbatch's --array. */
  array: string;
  pending: number[];
  /** Shard files of an earlier model (or damaged) removed so their tasks run again. */
  removed: string[];
}

/** Single-quoted for bash: safe whatever the path holds. */
function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Slurm's --array syntax for a sorted list: 0-3,7,9-10. */
export function arraySpec(indices: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    parts.push(i === j ? `${indices[i]}` : `${indices[i]}-${indices[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const SLURM_VALUE = /^[A-Za-z0-9_.:,+-]{1,100}$/;

function directive(name: string, value: string | number | undefined): string[] {
  if (value === undefined) return [];
  if (!SLURM_VALUE.test(String(value))) throw new ApiError('bad-argument', `--${name} ${JSON.stringify(value)}: not a value Slurm takes`);
  return [`#SBATCH --${name}=${value}`];
}

/**
 * Writes the job array's script and the merge job's script into PROJECT.shards/. Shards already done
 * with the same model are not run again: the array lists only the others (all of them the first time).
 */
export function writeSlurmJob(session: ProjectSession, opts: SlurmJobOptions): SlurmJob {
  if (!Number.isInteger(opts.tasks) || opts.tasks < 1 || opts.tasks > 100_000) throw new ApiError('bad-argument', `--tasks ${opts.tasks}: expected 1 to 100000`);
  const project = session.project;
  ensureProjectId(session); // the tasks only read the project: it gets its id now
  let runId: number | null = null;
  let fingerprint: string | null = null;
  if (opts.kind === 'embed') {
    const run = runWithCheckpoint(project, opts.runId);
    runId = run.id;
    fingerprint = modelFingerprint(run, project.checkpoints.latest(run.id)!.weights);
  }
  const dirs = (opts.dirs ?? []).map((d) => resolve(d));
  if (opts.kind === 'add') {
    if (dirs.length === 0) throw new ApiError('bad-argument', 'slurm add needs the folders to scan');
    for (const d of dirs) if (!fs.statSync(d, { throwIfNoEntry: false })?.isDirectory()) throw new ApiError('not-a-folder', `${d} is not a folder`);
  }
  const folder = shardFolder(session.path);
  fs.mkdirSync(join(folder, 'logs'), { recursive: true });
  const pending: number[] = [];
  const removed: string[] = [];
  for (let i = 0; i < opts.tasks; i++) {
    const file = join(folder, shardFileName(opts.kind, i, opts.tasks, runId));
    if (!fs.existsSync(file)) {
      pending.push(i);
      continue;
    }
    let same = false;
    try {
      const r = ShardReader.open(file);
      same = r.header.complete && r.header.fingerprint === fingerprint && r.header.kind === opts.kind;
      r.close();
    } catch {
      // damaged: done again
    }
    // An add's shards are always done again: the files may have changed since.
    if (!same || opts.kind === 'add') {
      fs.rmSync(file, { force: true });
      fs.rmSync(file + PARTIAL_SUFFIX, { force: true });
      removed.push(file);
      pending.push(i);
    }
  }
  const name = opts.kind === 'embed' ? `embed-run${runId}-of-${opts.tasks}` : `add-of-${opts.tasks}`;
  const common = [
    ...directive('partition', opts.partition), ...directive('account', opts.account), ...directive('time', opts.time),
  ];
  const astromorph = `${sh(opts.node)} ${sh(opts.launcher)}`;
  const taskArgs = (opts.taskArgs ?? []).map(sh).join(' ');
  const taskCommand = opts.kind === 'embed'
    ? `${astromorph} embed ${sh(session.path)} --shard "$SLURM_ARRAY_TASK_ID/${opts.tasks}" --run ${runId} ${taskArgs}`
    : `${astromorph} add ${sh(session.path)} ${dirs.map(sh).join(' ')} --shard "$SLURM_ARRAY_TASK_ID/${opts.tasks}" ${taskArgs}`;
  const taskScript = join(folder, `${name}.sbatch`);
  fs.writeFileSync(taskScript, [
    '#!/bin/bash',
    `# Written by astromorph slurm: ${opts.kind} of ${session.path} as ${opts.tasks} tasks, task I running --shard I/${opts.tasks}.`,
    `# A task that failed runs again alone with: sbatch --array=I ${taskScript}`,
    `#SBATCH --job-name=astromorph-${opts.kind}`,
    `#SBATCH --array=0-${opts.tasks - 1}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --output=${join(folder, 'logs', `${name}-%a.out`)}`,
    ...common,
    ...directive('cpus-per-task', opts.cpusPerTask),
    ...directive('gpus-per-task', opts.gpusPerTask),
    'set -eu',
    `exec ${taskCommand.trimEnd()}`,
    '',
  ].join('\n'), { mode: 0o755 });
  const mergeCommand = opts.kind === 'embed'
    ? `${astromorph} merge ${sh(session.path)} --embed --run ${runId} --tasks ${opts.tasks}`
    : `${astromorph} merge ${sh(session.path)} --add --tasks ${opts.tasks}`;
  const mergeScript = join(folder, `merge-${name}.sbatch`);
  fs.writeFileSync(mergeScript, [
    '#!/bin/bash',
    `# Written by astromorph slurm: merges the ${opts.tasks} shards of ${name} into ${session.path} once every task succeeded.`,
    `#SBATCH --job-name=astromorph-merge`,
    '#SBATCH --ntasks=1',
    `#SBATCH --output=${join(folder, 'logs', `merge-${name}-%j.out`)}`,
    ...common,
    'set -eu',
    `exec ${mergeCommand}`,
    '',
  ].join('\n'), { mode: 0o755 });
  return { kind: opts.kind, tasks: opts.tasks, runId, folder, taskScript, mergeScript, array: arraySpec(pending), pending, removed };
}

export interface SubmittedJob {
  arrayJobId: string | null;
  mergeJobId: string;
}

function sbatch(args: string[]): string {
  const res = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    throw new ApiError('no-data', code === 'ENOENT' ? 'sbatch is not on the PATH: run this on a Slurm login node, or submit the scripts yourself'
      : `sbatch failed: ${res.error.message}`);
  }
  if (res.status !== 0) throw new ApiError('no-data', `sbatch ${args.join(' ')} failed: ${(res.stderr || res.stdout).trim().split('\n')[0]}`);
  // --parsable prints "jobid" or "jobid;cluster".
  return res.stdout.trim().split(';')[0]!;
}

/** Submits the tasks still to run and the merge job after them (cancelled by Slurm if a task fails). */
export function submitSlurmJob(job: SlurmJob): SubmittedJob {
  if (job.pending.length === 0) return { arrayJobId: null, mergeJobId: sbatch([job.mergeScript]) };
  const arrayJobId = sbatch([`--array=${job.array}`, job.taskScript]);
  const mergeJobId = sbatch([`--dependency=afterok:${arrayJobId}`, '--kill-on-invalid-dep=yes', job.mergeScript]);
  return { arrayJobId, mergeJobId };
}
