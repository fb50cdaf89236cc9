// `astromorph merge PROJECT [SHARD...]`: bring the shard files of a sharded add or embed into the
// project, in one transaction, after checking them; says which shards are still missing.
import { Command } from 'commander';
import { positiveCount } from '../explore-options.ts';

interface MergeOpts {
  json?: boolean;
  embed?: boolean;
  add?: boolean;
  run?: number;
  tasks?: number;
}

export function mergeCommand(): Command {
  return new Command('merge')
    .description('bring shard files (from add/embed --shard I/N) into the project in one transaction; merging again is harmless')
    .argument('<project>', 'project file')
    .argument('[shard...]', 'shard files (.amshard); default with --tasks: the complete ones in PROJECT.shards/')
    .option('--tasks <n>', 'the job\'s shard count, to find its files in PROJECT.shards/ (with --embed --run R, or --add)', positiveCount)
    .option('--embed', 'the shards of a sharded embed (with --tasks)')
    .option('--add', 'the shards of a sharded add (with --tasks)')
    .option('--run <id>', 'the run the embed shards are of (with --embed --tasks)', positiveCount)
    .option('--json', 'print {kind, runId, count, merged, missingShards, missingItems, written, skipped, complete, seconds}')
    .addHelpText('after', '\nExamples:\n  astromorph merge survey.amproj survey.shards/embed-run2-*-of-016.amshard\n'
      + '  astromorph merge survey.amproj --embed --run 2 --tasks 16\n\nWith no shard named, it only gives the project its id (which shard files name).')
    .action(async (projectArg: string, files: string[], opts: MergeOpts) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const { mergeShards, shardFiles } = await import('../../api/services/sharding/shards.ts');
      const { ApiError } = await import('../../api/contract/errors.ts');
      const session = ProjectSession.open(projectArg);
      try {
        let shards = files;
        if (opts.tasks !== undefined) {
          if (opts.embed === opts.add) throw new ApiError('bad-argument', 'with --tasks, say which shards: --embed --run R, or --add');
          if (opts.embed && opts.run === undefined) throw new ApiError('bad-argument', '--embed --tasks N needs --run R');
          shards = [...files, ...shardFiles(session.path, opts.embed ? 'embed' : 'add', opts.tasks, opts.embed ? opts.run! : null)];
        }
        const report = mergeShards(session, shards);
        if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        else if (shards.length === 0) process.stdout.write(`${session.path}: no shards to merge (the project has its id for sharded work)\n`);
        else {
          const what = report.kind === 'embed' ? `${report.written} vectors of run ${report.runId}` : `${report.written} items`;
          process.stdout.write(`merged ${report.merged.length} of ${report.count} shards: ${what}`
            + `${report.skipped > 0 ? `, ${report.skipped} skipped` : ''} in ${report.seconds.toFixed(1)} s\n`);
          if (report.complete) process.stdout.write(`complete: every shard is in ${session.path}${report.missingItems > 0 ? `; ${report.missingItems} readable items have no vector (added after the tasks ran)` : ''}\n`);
          else {
            process.stdout.write(`still missing: shards ${report.missingShards.join(', ')}`
              + `${report.kind === 'embed' ? ` (${report.missingItems} items without a vector)` : ''}; run their tasks `
              + `(e.g. sbatch --array=${report.missingShards.join(',')} SCRIPT) and merge again\n`);
          }
        }
      } finally {
        session.close();
      }
    });
}
