// `astromorph outliers PROJECT [--top 50]`: items ranked by anomaly score (mean distance to their k
// nearest neighbours), strangest first; the scores are stored and reused until --recompute.
import { Command, Option } from 'commander';
import type { OutlierView, SimilarityMetric } from '../../api/contract/index.ts';
import { displayPath, formatValue, positiveCount } from '../explore-options.ts';
import { formatTable } from '../table.ts';

interface OutlierOpts {
  top: number;
  k?: number;
  metric?: SimilarityMetric;
  run?: number;
  recompute?: boolean;
  json?: boolean;
  progress: boolean;
}

export const OUTLIERS_JSON_KEYS = ['id', 'runId', 'params', 'createdAt', 'reused', 'items', 'ranked', 'coverage'] as const;

export function outliersCommand(): Command {
  return new Command('outliers')
    .description('rank a run\'s items by anomaly score (mean distance to their nearest neighbours), rarest first')
    .argument('<project>', 'project file')
    .option('--top <n>', 'items to list', positiveCount, 50)
    .option('--k <n>', 'neighbours averaged into the score (default 10)', positiveCount)
    .addOption(new Option('--metric <metric>', 'default cosine').choices(['cosine', 'euclidean']))
    .option('--run <id>', 'embedding run (default: the latest run with embeddings)', positiveCount)
    .option('--recompute', 'score again even if scores with these parameters are stored')
    .option('--json', `print a JSON object with keys ${OUTLIERS_JSON_KEYS.join(', ')}`)
    .option('--no-progress', 'no progress output on stderr')
    .addHelpText('after', '\nExample:\n  astromorph outliers survey.amproj --top 20')
    .action(async (projectArg: string, opts: OutlierOpts) => {
      const { computeOutliers } = await import('../../api/services/exploration/outliers.ts');
      const { runAnalysisCommand } = await import('../analysis-run.ts');
      await runAnalysisCommand(projectArg, opts, (session, control) => computeOutliers(session, {
        top: opts.top, k: opts.k, metric: opts.metric, runId: opts.run, recompute: opts.recompute,
      }, control), renderOutliers);
    });
}

function renderOutliers(v: OutlierView): string {
  const head = `${v.ranked.length} strangest of ${v.items} items in run ${v.runId} (mean ${v.params.metric} distance to ${v.params.k} nearest neighbours); ` +
    `${v.reused ? 'stored scores, reused (--recompute for new ones)' : 'computed and stored'}`;
  const table = formatTable(
    [{ title: 'RANK', align: 'right' }, { title: 'SCORE', align: 'right' }, { title: 'PATH' }, { title: 'OBJECT' }, { title: 'TAGS' }],
    v.ranked.map((r) => [String(r.rank), formatValue(r.score), displayPath(r.path), r.object ?? '', r.tags.join(', ')]),
  );
  return `${head}\n${table}`;
}
