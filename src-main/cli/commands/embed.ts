// `astromorph embed PROJECT`: one embedding vector per readable item, with a run's latest checkpoint,
// stored in the project. Ctrl-C stops between batches and keeps the vectors written so far (exit 130).
import { Command } from 'commander';
import { ProjectSession, embedItems } from '../../api/index.ts';
import type { EmbedReport } from '../../api/index.ts';
import { embeddingProgressDisplay } from '../training-progress.ts';
import { EXIT_CANCELLED } from '../exit-codes.ts';
import { stopOnSignals } from '../stop-signals.ts';
import { positiveInteger } from './train.ts';

interface EmbedOpts {
  run?: number;
  batchSize?: number;
  backend?: string;
  json?: boolean;
  progress: boolean;
}

export function embedCommand(): Command {
  return new Command('embed')
    .description('compute one embedding vector per readable item with a trained run, and store them in the project')
    .argument('<project>', 'project file')
    .option('--run <id>', 'the training run to use (default: the latest finished run, else the latest with a checkpoint)', positiveInteger)
    .option('--batch-size <n>', 'images per forward pass (default 64)', positiveInteger)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: the run\'s)')
    .option('--json', 'print the result as JSON: {runId, checkpointId, backend, items, total, dim, cancelled, seconds}')
    .option('--no-progress', 'no progress output on stderr')
    .addHelpText('after', '\nExamples:\n  astromorph embed survey.amproj\n  astromorph embed survey.amproj --run 2 --batch-size 128')
    .action(async (projectArg: string, opts: EmbedOpts) => {
      const session = ProjectSession.open(projectArg);
      const display = embeddingProgressDisplay(process.stderr, opts.progress);
      const stop = stopOnSignals(() => display.message('cancelling: keeping the vectors already written…', true));
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
      else if (report.cancelled) {
        process.stdout.write(`cancelled: ${report.items} of ${report.total} items embedded with run ${report.runId}; run the same embed again for all\n`);
      } else {
        process.stdout.write(`embedded ${report.items} items with run ${report.runId}: ${report.dim} values each, in ${report.seconds.toFixed(1)} s\n` +
          `export them with: astromorph export ${session.path} embeddings --format csv --out embeddings.csv\n`);
      }
      if (report.cancelled) process.exitCode = EXIT_CANCELLED;
    });
}
