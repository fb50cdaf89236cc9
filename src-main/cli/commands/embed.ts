// `astromorph embed PROJECT`: one embedding vector per readable item, with a run's latest checkpoint,
// stored in the project. The new set replaces the run's old one only when it is finished, so a kill
// leaves the old one whole. Ctrl-C stops between batches (exit 130): a run that had vectors keeps
// them unchanged, a first embedding keeps the vectors written so far.
import { Command } from 'commander';
import type { EmbedReport } from '../../api/contract/index.ts';
import { EXIT_CANCELLED } from '../exit-codes.ts';
import { stopOnSignals } from '../stop-signals.ts';
import { positiveCount } from '../explore-options.ts';
import { reasonWithoutPath } from '../reason.ts';

interface EmbedOpts {
  run?: number;
  batchSize?: number;
  backend?: string;
  json?: boolean;
  progress: boolean;
  shard?: string;
}

export function embedCommand(): Command {
  return new Command('embed')
    .description('compute one embedding vector per readable item with a trained run, and store them in the project')
    .argument('<project>', 'project file')
    .option('--run <id>', 'the training run to use (default: the latest finished run, else the latest with a checkpoint)', positiveCount)
    .option('--batch-size <n>', 'images per forward pass (default 64)', positiveCount)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: the run\'s)')
    .option('--json', 'print the result as JSON: {runId, checkpointId, backend, items, total, dim, cancelled, replaced, stale, skipped, seconds}')
    .option('--no-progress', 'no progress output on stderr')
    .option('--shard <I/N>', 'embed only shard I of N (by a hash of each item\'s path) into PROJECT.shards/, not into the project; '
      + 'bring the shards in with astromorph merge')
    .addHelpText('after', '\nExamples:\n  astromorph embed survey.amproj\n  astromorph embed survey.amproj --run 2 --batch-size 128\n'
      + '  astromorph embed survey.amproj --shard $SLURM_ARRAY_TASK_ID/16   # one task of a job array; then astromorph merge')
    .action(async (projectArg: string, opts: EmbedOpts) => {
      if (opts.shard !== undefined) {
        const { runShardTask } = await import('../shard-task.ts');
        await runShardTask(projectArg, 'embed', opts.shard, { run: opts.run, batchSize: opts.batchSize, backend: opts.backend, json: opts.json, progress: opts.progress });
        return;
      }
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const { embedItems } = await import('../../api/services/training/embedding.ts');
      const { embeddingProgressDisplay } = await import('../training-progress.ts');
      const session = ProjectSession.open(projectArg);
      const display = embeddingProgressDisplay(process.stderr, opts.progress);
      const stop = stopOnSignals(() => display.message('cancelling: the run keeps the vectors it had (a first embedding keeps those written so far)…', true));
      let report: EmbedReport;
      try {
        report = await embedItems(session, {
          runId: opts.run,
          batchSize: opts.batchSize,
          backend: opts.backend,
          signal: stop.signal,
          onStart: (s) => display.message(`embedding ${s.total} items with run ${s.runId} (checkpoint ${s.checkpointId}); backend: ${s.backend}`),
          onProgress: (p) => display.update(p),
          onWarning: (m) => display.message(m),
        });
      } finally {
        display.stop();
        session.close();
        stop.dispose();
      }
      if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else if (report.cancelled && !report.replaced) {
        process.stdout.write(`cancelled: run ${report.runId} keeps the vectors it had, unchanged; run the same embed again to replace them\n`);
      } else if (report.cancelled) {
        process.stdout.write(`cancelled: ${report.items} of ${report.total} items embedded with run ${report.runId}; run the same embed again for all\n`);
      } else {
        const count = report.items === report.total ? `${report.items}` : `${report.items} of ${report.total}`;
        process.stdout.write(`embedded ${count} items with run ${report.runId}: ${report.dim} values each, in ${report.seconds.toFixed(1)} s\n`);
      }
      if (!opts.json && report.skipped.length > 0) process.stdout.write(renderSkipped(report));
      if (!opts.json && !report.cancelled) {
        process.stdout.write(`export them with: astromorph export ${session.path} embeddings --format csv --out embeddings.csv\n`);
      }
      if (report.cancelled) process.exitCode = EXIT_CANCELLED;
    });
}

/** The items that got no new vector, each with its reason; those that kept an old one say so. */
function renderSkipped(report: EmbedReport): string {
  const lines = [`could not embed ${report.skipped.length} ${report.skipped.length === 1 ? 'item' : 'items'}`
    + (report.stale > 0 ? ` (${report.stale} kept an earlier vector, marked stale):` : ':')];
  for (const s of report.skipped) lines.push(`  ${s.path}: ${reasonWithoutPath(s.reason, s.path)}${s.keptStale ? ' [earlier vector kept, stale]' : ''}`);
  return lines.join('\n') + '\n';
}
