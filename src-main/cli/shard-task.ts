// One task of a sharded `add` or `embed` (`--shard I/N`): the project is opened read-only (tasks run
// side by side, maybe on other hosts), and the results go to the task's own shard file.
import type { ShardTaskReport } from '../api/contract/index.ts';
import { EXIT_CANCELLED } from './exit-codes.ts';
import { reasonWithoutPath } from './reason.ts';
import { stopOnSignals } from './stop-signals.ts';

export interface ShardTaskOpts {
  dirs?: string[];
  run?: number;
  batchSize?: number;
  backend?: string;
  workers?: number;
  followLinks?: boolean;
  json?: boolean;
  progress: boolean;
}

export async function runShardTask(projectArg: string, kind: 'add' | 'embed', spec: string, opts: ShardTaskOpts): Promise<void> {
  const { ProjectSession } = await import('../api/services/project/project-session.ts');
  const { addShard, embedShard, shardSpec } = await import('../api/services/sharding/shards.ts');
  const shard = shardSpec(spec);
  const session = ProjectSession.open(projectArg, { readOnly: true });
  let report: ShardTaskReport;
  if (kind === 'embed') {
    const { embeddingProgressDisplay } = await import('./training-progress.ts');
    const display = embeddingProgressDisplay(process.stderr, opts.progress);
    const stop = stopOnSignals(() => display.message('cancelling: the shard file is not finished, and its task can simply run again…', true));
    try {
      report = await embedShard(session, {
        shard, runId: opts.run, batchSize: opts.batchSize, backend: opts.backend, signal: stop.signal,
        onStart: (s) => display.message(`shard ${shard.index}/${shard.count}: embedding ${s.total} items with run ${s.runId}; backend: ${s.backend}`),
        onProgress: (p) => display.update(p),
        onWarning: (m) => display.message(m),
      });
    } finally {
      display.stop();
      session.close();
      stop.dispose();
    }
  } else {
    const { scanProgressDisplay } = await import('./scan-progress.ts');
    const progress = scanProgressDisplay(process.stderr, opts.progress);
    const stop = stopOnSignals(() => progress.interrupt('cancelling: the shard file is not finished, and its task can simply run again…'));
    try {
      report = await addShard(session, opts.dirs ?? [], { shard, signal: stop.signal, workers: opts.workers, followLinks: opts.followLinks,
        onProgress: (p) => progress.update(p) });
    } finally {
      progress.stop();
      session.close();
      stop.dispose();
    }
  }
  if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (report.cancelled) process.stdout.write(`cancelled: shard ${report.index}/${report.count} was not written; run the same command again\n`);
  else {
    process.stdout.write(`shard ${report.index}/${report.count}: ${report.written} of ${report.assigned} ${kind === 'embed' ? 'items embedded' : 'files read'} `
      + `in ${report.seconds.toFixed(1)} s into ${report.file}\n`);
    for (const s of report.skipped) process.stdout.write(`  ${s.path}: ${reasonWithoutPath(s.reason, s.path)}\n`);
  }
  if (report.cancelled) process.exitCode = EXIT_CANCELLED;
}
