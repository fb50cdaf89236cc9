// `astromorph add PROJECT DIR...`: scan folders into the project. Unreadable files are data (listed,
// exit 0); Ctrl-C stops the scan, closes the project cleanly, keeps what was scanned and exits 130.
import { basename } from 'node:path';
import { Command } from 'commander';
import { positiveCount } from '../explore-options.ts';
import type { ScanReport } from '../../api/contract/index.ts';
import { reasonWithoutPath } from '../reason.ts';
import { EXIT_CANCELLED, EXIT_ERROR } from '../exit-codes.ts';
import { stopOnSignals } from '../stop-signals.ts';
import { GROUP_RULE_HELP, renderGrouping, thumbnailProgress } from './group.ts';

interface AddOpts {
  json?: boolean;
  progress: boolean;
  workers?: number;
  followLinks?: boolean;
  groupBy?: string;
  shard?: string;
}

export function addCommand(): Command {
  return new Command('add')
    .description('scan folders (recursively) for FITS files and add them to the project; re-adding updates changed files')
    .argument('<project>', 'project file')
    .argument('<dir...>', 'folders to scan')
    .option('--json', 'print the summary as JSON: {added, updated, unchanged, failed, missing, cancelled, failures: [{path, error}], linksNotFollowed, noFitsFiles, itemsInProject, seconds}')
    .option('--follow-links', 'follow symbolic links that lead out of the folders (their targets become readable by the project)')
    .option('--group-by <rule>', `after the scan, group the project's items into multi-band objects and print the grouping: ${GROUP_RULE_HELP} `
      + '(preview a rule first with astromorph group PROJECT --by RULE --dry-run)')
    .option('--no-progress', 'no progress output on stderr')
    .option('--workers <n>', 'worker threads reading headers (default: one per core, at most 4)', positiveCount)
    .option('--shard <I/N>', 'scan only shard I of N of the files (by a hash of each path) into PROJECT.shards/, not into the project; '
      + 'bring the shards in with astromorph merge')
    .addHelpText(
      'after',
      '\nProgress goes to stderr: a bar on a terminal, an occasional line otherwise. Ctrl-C stops the scan\n' +
        'and keeps what was already scanned (exit 130); run the same command again to finish.\n\n' +
        'Example:\n  astromorph add survey.amproj ~/data/hst ~/data/alma',
    )
    .action(async (projectArg: string, dirs: string[], opts: AddOpts) => {
      if (opts.shard !== undefined) {
        const { runShardTask } = await import('../shard-task.ts');
        await runShardTask(projectArg, 'add', opts.shard, { dirs, workers: opts.workers, followLinks: opts.followLinks, json: opts.json, progress: opts.progress });
        return;
      }
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const { scanProgressDisplay } = await import('../scan-progress.ts');
      const workers = opts.workers;
      const session = ProjectSession.open(projectArg);
      const progress = scanProgressDisplay(process.stderr, opts.progress);
      const stop = stopOnSignals(() => progress.interrupt('cancelling: waiting for the scan to stop (the project is being kept intact)…'));
      let report: ScanReport;
      let grouped: string | null = null;
      try {
        report = await session.addFolders(dirs, {
          signal: stop.signal,
          workers,
          followLinks: opts.followLinks,
          onProgress: (p) => progress.update(p),
        });
        const { applyGrouping, groupingTable, refreshBandThumbnails } = await import('../../api/services/project/bands.ts');
        if (opts.groupBy !== undefined && !report.cancelled) {
          grouped = renderGrouping(applyGrouping(session, opts.groupBy, { onProgress: thumbnailProgress() }), { by: opts.groupBy }, groupingTable);
        } else if (!report.cancelled) {
          refreshBandThumbnails(session); // objects whose first band was read again: their RGB thumbnail back
        }
      } finally {
        progress.stop();
        session.close();
        stop.dispose();
      }
      if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else process.stdout.write(renderReport(report, session.path) + '\n');
      if (grouped !== null) (opts.json ? process.stderr : process.stdout).write(grouped + '\n');
      for (const dir of report.noFitsFiles) {
        process.stderr.write(`astromorph: no FITS files found in ${dir}: nothing was added from it, and it was neither recorded in `
          + `${basename(session.path)} nor trusted\n`);
      }
      if (report.cancelled) process.exitCode = EXIT_CANCELLED;
      // Every folder named held nothing to add: the command did nothing, and says so in its status too.
      else if (report.noFitsFiles.length === dirs.length) process.exitCode = EXIT_ERROR;
    });
}

function renderReport(r: ScanReport, projectPath: string): string {
  const lines: string[] = [];
  const counts = `added ${r.added}, updated ${r.updated}, unchanged ${r.unchanged}, failed ${r.failed}, missing ${r.missing}`;
  if (r.cancelled) {
    lines.push(`cancelled after ${r.seconds.toFixed(1)} s: kept what was scanned (${counts})`);
    lines.push(`${projectPath} holds ${r.itemsInProject} items; run the same add again to finish the scan`);
  } else {
    lines.push(`${counts} in ${r.seconds.toFixed(1)} s`);
    lines.push(`${projectPath} holds ${r.itemsInProject} items`);
  }
  if (r.linksNotFollowed.length > 0) {
    const n = r.linksNotFollowed.length;
    lines.push(`${n} ${n === 1 ? 'link leads' : 'links lead'} outside the folders scanned and ${n === 1 ? 'was' : 'were'} not followed `
      + '(add --follow-links to follow them):');
    for (const l of r.linksNotFollowed) lines.push(`  ${l}`);
  }
  if (r.failures.length > 0) {
    lines.push(`failed files (${r.failures.length}):`);
    for (const f of r.failures) lines.push(`  ${f.path}: ${reasonWithoutPath(f.error, f.path)}`);
  }
  return lines.join('\n');
}
