// `astromorph slurm PROJECT embed|add`: writes a Slurm job array whose task I runs `--shard I/N`, and
// a merge job after it; with --submit hands both to sbatch and says how to watch them.
import { Command, InvalidArgumentError } from 'commander';
import { positiveCount } from '../explore-options.ts';

interface SlurmOpts {
  tasks: number;
  partition?: string;
  account?: string;
  time?: string;
  cpusPerTask?: number;
  gpusPerTask?: number;
  run?: number;
  batchSize?: number;
  submit?: boolean;
  json?: boolean;
}

export function slurmCommand(): Command {
  return new Command('slurm')
    .description('write (and with --submit, submit) a Slurm job array that adds or embeds in shards, and a merge job after it')
    .argument('<project>', 'project file')
    .argument('<work>', 'embed or add', (v: string) => {
      if (v !== 'embed' && v !== 'add') throw new InvalidArgumentError('expected embed or add');
      return v;
    })
    .argument('[dir...]', 'folders to scan (add)')
    .option('--tasks <n>', 'number of array tasks (shards)', positiveCount, 16)
    .option('--partition <p>', 'Slurm partition')
    .option('--account <a>', 'Slurm account')
    .option('--time <t>', 'time limit per task (Slurm syntax, e.g. 1:00:00)')
    .option('--cpus-per-task <c>', 'CPUs per task', positiveCount)
    .option('--gpus-per-task <g>', 'GPUs per task', positiveCount)
    .option('--run <id>', 'the run to embed with (default as for embed)', positiveCount)
    .option('--batch-size <n>', 'images per forward pass in each task', positiveCount)
    .option('--submit', 'submit with sbatch (must be on the PATH): the tasks still to do, then the merge (afterok)')
    .option('--json', 'print {taskScript, mergeScript, array, arrayJobId, mergeJobId}')
    .addHelpText('after', '\nShard files go to PROJECT.shards/ beside the project, logs to PROJECT.shards/logs/. Running the same command\n'
      + 'again submits only the shards not yet done (a failed or cancelled task), and a new merge job.\n\nExamples:\n'
      + '  astromorph slurm survey.amproj embed --tasks 16 --partition gpu --gpus-per-task 1 --time 1:00:00 --submit\n'
      + '  astromorph slurm survey.amproj add /data/survey --tasks 8 --cpus-per-task 4 --submit')
    .action(async (projectArg: string, work: 'embed' | 'add', dirs: string[], opts: SlurmOpts) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const { submitSlurmJob, writeSlurmJob } = await import('../../api/services/sharding/slurm.ts');
      const { ApiError } = await import('../../api/contract/errors.ts');
      if (work === 'embed' && dirs.length > 0) throw new ApiError('bad-argument', 'slurm embed takes no folders');
      const session = ProjectSession.open(projectArg);
      let job;
      try {
        job = writeSlurmJob(session, {
          kind: work, tasks: opts.tasks, dirs, runId: opts.run, partition: opts.partition, account: opts.account, time: opts.time,
          cpusPerTask: opts.cpusPerTask, gpusPerTask: opts.gpusPerTask,
          taskArgs: opts.batchSize ? ['--batch-size', String(opts.batchSize)] : [],
          node: process.execPath, launcher: process.argv[1]!,
        });
      } finally {
        session.close();
      }
      const submitted = opts.submit ? submitSlurmJob(job) : null;
      if (opts.json) {
        process.stdout.write(JSON.stringify({ taskScript: job.taskScript, mergeScript: job.mergeScript, array: job.array,
          arrayJobId: submitted?.arrayJobId ?? null, mergeJobId: submitted?.mergeJobId ?? null }, null, 2) + '\n');
        return;
      }
      const lines = [`wrote ${job.taskScript} (${job.tasks} tasks) and ${job.mergeScript}`];
      for (const f of job.removed) lines.push(`  removed ${f}: made with another model, or unfinished; its task runs again`);
      if (job.pending.length < job.tasks) lines.push(`${job.tasks - job.pending.length} shards are already done; to do: ${job.array || 'none'}`);
      if (!submitted) {
        lines.push('submit them with:', job.pending.length > 0
          ? `  jid=$(sbatch --parsable --array=${job.array} ${job.taskScript}) && sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes ${job.mergeScript}`
          : `  sbatch ${job.mergeScript}`);
      } else {
        if (submitted.arrayJobId) lines.push(`submitted job array ${submitted.arrayJobId} (tasks ${job.array})`);
        lines.push(`submitted merge job ${submitted.mergeJobId}${submitted.arrayJobId ? ` (runs after every task succeeded)` : ''}`);
        const ids = [submitted.arrayJobId, submitted.mergeJobId].filter(Boolean).join(',');
        lines.push(`watch: squeue -j ${ids}    history: sacct -j ${ids} --format=JobID,State,Elapsed,ExitCode`);
        lines.push(`a failed task: run this same command again (it submits the shards not done and a new merge), or sbatch --array=I ${job.taskScript}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
