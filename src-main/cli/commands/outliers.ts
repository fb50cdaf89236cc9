// `astromorph outliers PROJECT [--top 50]`: items ranked by anomaly score (mean distance to their k
// nearest neighbours), strangest first; the scores are stored and reused until --recompute. With
// --feedback, ranked by the outlier score blended with the items tagged interesting / not-interesting
// (relevance feedback, as the app's Anomalies view ranks them).
import { Command, Option } from 'commander';
import type { AnomalyView, OutlierView, SimilarityMetric } from '../../api/contract/index.ts';
import { displayPath, formatValue, positiveCount } from '../explore-options.ts';
import { formatTable } from '../table.ts';

interface OutlierOpts {
  top: number;
  k?: number;
  metric?: SimilarityMetric;
  run?: number;
  recompute?: boolean;
  feedback?: boolean;
  json?: boolean;
  progress: boolean;
}

export const OUTLIERS_JSON_KEYS = ['id', 'runId', 'params', 'createdAt', 'reused', 'stored', 'items', 'ranked', 'coverage'] as const;
export const FEEDBACK_JSON_KEYS = ['runId', 'feedback', 'items', 'marked', 'stored', 'ranked', 'coverage'] as const;

export function outliersCommand(): Command {
  return new Command('outliers')
    .description('rank a run\'s items by anomaly score (mean distance to their nearest neighbours), rarest first')
    .argument('<project>', 'project file')
    .option('--top <n>', 'items to list', positiveCount, 50)
    .option('--k <n>', 'neighbours averaged into the score (default 10)', positiveCount)
    .addOption(new Option('--metric <metric>', 'default cosine').choices(['cosine', 'euclidean']))
    .option('--run <id>', 'embedding run (default: the latest run with embeddings)', positiveCount)
    .option('--recompute', 'score again even if scores with these parameters are stored')
    .option('--feedback', 'rank by the outlier score blended with the items tagged interesting / not-interesting (relevance feedback)')
    .option('--json', `print a JSON object with keys ${OUTLIERS_JSON_KEYS.join(', ')} (--feedback: ${FEEDBACK_JSON_KEYS.join(', ')})`)
    .option('--no-progress', 'no progress output on stderr')
    .addHelpText('after', '\nExamples:\n  astromorph outliers survey.amproj --top 20\n'
      + '  astromorph tag survey.amproj disks/07-ring.fits interesting   # or not-interesting\n  astromorph outliers survey.amproj --feedback')
    .action(async (projectArg: string, opts: OutlierOpts) => {
      if (opts.feedback) {
        const { rankAnomalies } = await import('../../api/services/exploration/anomalies.ts');
        const { runAnalysisCommand } = await import('../analysis-run.ts');
        await runAnalysisCommand(projectArg, opts, (session, control) => rankAnomalies(session, {
          limit: opts.top, k: opts.k, runId: opts.run, feedback: true,
        }, control), renderFeedback);
        return;
      }
      const { computeOutliers } = await import('../../api/services/exploration/outliers.ts');
      const { runAnalysisCommand } = await import('../analysis-run.ts');
      await runAnalysisCommand(projectArg, opts, (session, control) => computeOutliers(session, {
        top: opts.top, k: opts.k, metric: opts.metric, runId: opts.run, recompute: opts.recompute,
      }, control), renderOutliers);
    });
}

function renderOutliers(v: OutlierView): string {
  const head = `${v.ranked.length} strangest of ${v.items} items in run ${v.runId} (mean ${v.params.metric} distance to ${v.params.k} nearest neighbours); ` +
    `${v.reused ? 'stored scores, reused (--recompute for new ones)' : v.stored ? 'computed and stored' : 'computed, not stored (the project is open in another process)'}`;
  const table = formatTable(
    [{ title: 'RANK', align: 'right' }, { title: 'SCORE', align: 'right' }, { title: 'PATH' }, { title: 'OBJECT' }, { title: 'TAGS' }],
    v.ranked.map((r) => [String(r.rank), formatValue(r.score), displayPath(r.path), r.object ?? '', r.tags.join(', ')]),
  );
  return `${head}\n${table}`;
}

function renderFeedback(v: AnomalyView): string {
  const head = `${v.ranked.length} most interesting of ${v.items} items in run ${v.runId}: outlier score blended with `
    + `${v.marked.interesting} item(s) tagged interesting and ${v.marked.notInteresting} tagged not-interesting`;
  const table = formatTable(
    [{ title: 'RANK', align: 'right' }, { title: 'SCORE', align: 'right' }, { title: 'OUTLIER', align: 'right' }, { title: 'RELEVANCE', align: 'right' },
      { title: 'PATH' }, { title: 'OBJECT' }, { title: 'TAGS' }],
    v.ranked.map((r) => [String(r.rank), formatValue(r.score), formatValue(r.outlierScore), r.relevance === null ? '' : r.relevance.toFixed(2),
      displayPath(r.path), r.object ?? '', r.tags.join(', ')]),
  );
  return `${head}\n${table}`;
}
